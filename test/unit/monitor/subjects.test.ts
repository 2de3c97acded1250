import { describe, expect, it } from "vitest";
import { subjectOfServiceArn, subjectOfTask } from "../../../core/monitor/subjects.ts";

const CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";

describe("monitor subjects", () => {
  it("keys a service the same from its task events and from a long-ARN service event", () => {
    const fromTask = subjectOfTask(CLUSTER, "service:web", "eu-west-1");
    const fromService = subjectOfServiceArn(
      "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      "eu-west-1",
    );
    expect(fromService.key).toBe(fromTask.key);
    expect(fromService).toMatchObject({ clusterName: "prod", name: "web", isService: true });
  });

  it("keys a pre-2021 short-ARN service like its task events when the event names the cluster", () => {
    const fromTask = subjectOfTask(CLUSTER, "service:legacy", "eu-west-1");
    const short = "arn:aws:ecs:eu-west-1:123456789012:service/legacy";
    const fromService = subjectOfServiceArn(short, "eu-west-1", CLUSTER);
    expect(fromService.key).toBe(fromTask.key);
    expect(fromService).toMatchObject({ clusterName: "prod", name: "legacy" });
    // Without the cluster (deployment events carry none) the ARN itself is the key.
    expect(subjectOfServiceArn(short, "eu-west-1")).toMatchObject({
      key: short,
      clusterName: "default",
      name: "legacy",
    });
  });

  it("keys a service's tasks by the service's long ARN, and standalone tasks by cluster and group", () => {
    expect(subjectOfTask(CLUSTER, "service:web", "eu-west-1")).toEqual({
      key: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web",
      region: "eu-west-1",
      clusterName: "prod",
      name: "web",
      isService: true,
    });
    expect(subjectOfTask(CLUSTER, "family:batch", "eu-west-1")).toEqual({
      key: `${CLUSTER}#family:batch`,
      region: "eu-west-1",
      clusterName: "prod",
      name: "family:batch",
      isService: false,
    });
    // A task started without a group (RunTask leaves it to ECS; a hand-made event may lack it).
    expect(subjectOfTask(CLUSTER, undefined, "eu-west-1")).toEqual({
      key: `${CLUSTER}#standalone tasks`,
      region: "eu-west-1",
      clusterName: "prod",
      name: "standalone tasks",
      isService: false,
    });
  });

  it("reads the long and the short service ARN in full", () => {
    const long = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";
    expect(subjectOfServiceArn(long, "eu-west-1")).toEqual({
      key: long,
      region: "eu-west-1",
      clusterName: "prod",
      name: "web",
      isService: true,
    });
    const short = "arn:aws:ecs:eu-west-1:123456789012:service/legacy";
    expect(subjectOfServiceArn(short, "eu-west-1", CLUSTER)).toEqual({
      key: "arn:aws:ecs:eu-west-1:123456789012:service/prod/legacy",
      region: "eu-west-1",
      clusterName: "prod",
      name: "legacy",
      isService: true,
    });
  });
});
