import { describe, expect, it } from "vitest";
import type { SlackRoute } from "../../../core/config/index.ts";
import { DEFAULT_WEBHOOK, routeFor } from "../../../core/monitor/routeFor.ts";
import type { Subject } from "../../../core/monitor/subjects.ts";

const subject = (clusterName: string, name: string): Subject => ({
  key: `arn:aws:ecs:eu-west-1:123456789012:service/${clusterName}/${name}`,
  region: "eu-west-1",
  clusterName,
  name,
  isService: true,
});

const routes: SlackRoute[] = [
  { cluster: "payments-*", service: "api", webhook: "SlackWebhookUrlPaymentsApi" },
  { cluster: "payments-*", service: "*", webhook: "SlackWebhookUrlPayments" },
  { cluster: "*", service: "checkout", webhook: "SlackWebhookUrlCheckout" },
];

describe("routeFor: which Slack webhook a subject goes to", () => {
  it("is the default webhook, SlackWebhookUrl, when there are no routes", () => {
    expect(DEFAULT_WEBHOOK).toBe("SlackWebhookUrl");
    expect(routeFor(subject("payments-eu", "api"), [])).toBe("SlackWebhookUrl");
  });

  it("is the first route whose cluster and service globs both match, not a later one", () => {
    expect(routeFor(subject("payments-eu", "api"), routes)).toBe("SlackWebhookUrlPaymentsApi");
    expect(routeFor(subject("payments-eu", "worker"), routes)).toBe("SlackWebhookUrlPayments");
    // Both the second and the third route match checkout in payments-eu: the second is first.
    expect(routeFor(subject("payments-eu", "checkout"), routes)).toBe("SlackWebhookUrlPayments");
  });

  it("needs the cluster glob to match: the service alone is not enough", () => {
    expect(routeFor(subject("shop-eu", "api"), routes.slice(0, 1))).toBe(DEFAULT_WEBHOOK);
  });

  it("needs the service glob to match: the cluster alone is not enough", () => {
    expect(routeFor(subject("payments-eu", "worker"), routes.slice(0, 1))).toBe(DEFAULT_WEBHOOK);
  });

  it("matches the cluster glob against the cluster name and the service glob against the service name", () => {
    // Swapped names would match neither glob of the first route.
    expect(routeFor(subject("api", "payments-eu"), routes.slice(0, 1))).toBe(DEFAULT_WEBHOOK);
    expect(routeFor(subject("shop-eu", "checkout"), routes)).toBe("SlackWebhookUrlCheckout");
  });

  it("is the default webhook when no route matches", () => {
    expect(routeFor(subject("shop-eu", "web"), routes)).toBe("SlackWebhookUrl");
  });
});
