/**
 * Policy in enforce mode under faults: `prod/payments` ran a compliant revision; someone
 * registers a privileged one with a plain-text password (two high findings) and points the
 * service at it. The CloudTrail RegisterTaskDefinition and UpdateService calls go to the real
 * Lambda entry: the revision must be deregistered and the service rolled back to the compliant
 * one — or the flow must say it could not, and never call the revision compliant.
 */
import {
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { createPolicyHandler } from "../../../functions/policy.ts";
import { createRuntime } from "../../../runtime/runtime.ts";
import { createCluster, createService, ecrImage } from "../../../sandbox/seed.ts";
import { REGION } from "../Harness.ts";
import type { FlowSpec, Invariant } from "../scenario.ts";
import { cloudTrailCall } from "./events.ts";
import {
  deadLettered,
  describeRevision,
  describeService,
  messageText,
  type Revision,
  revisionName,
  told,
} from "./readBack.ts";

const REGISTERED = "CloudTrail RegisterTaskDefinition payments:2";
const UPDATED = "CloudTrail UpdateService prod/payments";

const GOOD: RegisterTaskDefinitionCommandInput = {
  family: "payments",
  requiresCompatibilities: ["FARGATE"],
  networkMode: "awsvpc",
  cpu: "256",
  memory: "512",
  executionRoleArn: "arn:aws:iam::123456789012:role/payments-exec",
  containerDefinitions: [
    {
      name: "app",
      image: ecrImage(REGION, "shop/payments", "1.0.0"),
      user: "1000",
      readonlyRootFilesystem: true,
      logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/payments" } },
      linuxParameters: { capabilities: { drop: ["ALL"] } },
    },
  ],
};
const BAD: RegisterTaskDefinitionCommandInput = {
  ...GOOD,
  containerDefinitions: [
    {
      ...GOOD.containerDefinitions?.[0],
      name: "app",
      privileged: true,
      environment: [{ name: "DB_PASSWORD", value: "hunter2" }],
    },
  ],
};

interface PolicyWorld {
  readonly good: string;
  readonly bad: string;
  readonly serviceArn: string;
  readonly clusterArn: string;
}

interface PolicyObservation {
  readonly runs: string;
  readonly good: string;
  readonly bad: Revision;
  /** Per trigger: each message's verdict line (`compliant` / `not compliant`) and what it says was done. */
  readonly told: Readonly<Record<string, ReadonlyArray<{ verdict: string; text: string }>>>;
  readonly registerDeadLettered: boolean;
  readonly updateDeadLettered: boolean;
}

const saysCouldNot = (text: string) => /could not|cannot|unknown|no earlier compliant/i.test(text);

const invariants: Invariant<PolicyObservation>[] = [
  {
    id: "P1",
    says: "the service runs the compliant revision or the one its owner deployed, never another",
    breaks: "inconsistent",
    check: (o) =>
      o.runs === o.good || o.runs === o.bad.arn ? [] : [`prod/payments runs ${revisionName(o.runs)}`],
  },
  {
    id: "P2",
    says: "fails closed: the non-compliant revision is never reported compliant",
    breaks: "inconsistent",
    check: (o) =>
      Object.entries(o.told).flatMap(([trigger, messages]) =>
        messages
          .filter((m) => m.verdict === "compliant")
          .map(() => `Slack calls payments:2 compliant after ${trigger}`),
      ),
  },
  {
    id: "P3",
    says: "Slack tells the truth: 'rolled back' means the service runs the compliant revision, 'deregistered' that the revision is INACTIVE",
    breaks: "inconsistent",
    check: (o) => {
      const texts = Object.values(o.told).flatMap((messages) => messages.map((m) => m.text));
      return [
        ...(texts.some((t) => /rolled \*prod\/payments\* back/.test(t)) && o.runs !== o.good
          ? [`Slack says prod/payments was rolled back, but it runs ${revisionName(o.runs)}`]
          : []),
        ...(texts.some((t) => /deregistered `payments:2`/.test(t)) && o.bad.status !== "INACTIVE"
          ? [`Slack says payments:2 was deregistered, but it is ${o.bad.status}`]
          : []),
      ];
    },
  },
  {
    id: "P4",
    says: "the service is moved off the non-compliant revision, or Slack says it could not be, or the event is dead-lettered",
    breaks: "lost",
    check: (o) =>
      o.runs === o.good ||
      o.updateDeadLettered ||
      (o.told.UpdateService ?? []).some((m) => saysCouldNot(m.text))
        ? []
        : [
            `prod/payments still runs payments:2 and ${(o.told.UpdateService ?? []).length === 0 ? "no message was shown" : "the message does not say why"}; the invocation returned success`,
          ],
  },
  {
    id: "P5",
    says: "the non-compliant revision is deregistered, or Slack says it could not be, or the event is dead-lettered",
    breaks: "lost",
    check: (o) =>
      o.bad.status === "INACTIVE" ||
      o.registerDeadLettered ||
      (o.told.RegisterTaskDefinition ?? []).some((m) => saysCouldNot(m.text))
        ? []
        : [
            `payments:2 is still ${o.bad.status} and ${(o.told.RegisterTaskDefinition ?? []).length === 0 ? "no message was shown" : "the message does not say why"}; the invocation returned success`,
          ],
  },
  {
    id: "P7",
    says: "a rollback the flow made is told as one (or the event is dead-lettered), never as 'nothing was rolled back'",
    breaks: "lost",
    // Only the policy moves prod/payments back to the compliant revision in this story.
    check: (o) => {
      if (o.runs !== o.good || o.updateDeadLettered) return [];
      const texts = (o.told.UpdateService ?? []).map((m) => m.text);
      return texts.some((t) => /rolled \*prod\/payments\* back/.test(t))
        ? []
        : [
            `the policy rolled prod/payments back to ${revisionName(o.good)} and Slack ${texts.length === 0 ? "was told nothing" : "was not told so"}`,
          ];
    },
  },
  {
    id: "P8",
    says: "while the flow's rollback holds, no message says the service was not rolled back",
    breaks: "inconsistent",
    // Only the policy moves prod/payments back to the compliant revision in this story: a message
    // that it moved off the checked revision by itself, or that nothing was rolled back, is false
    // whether or not a "rolled back" is told beside it (review 31c).
    check: (o) =>
      o.runs !== o.good
        ? []
        : (o.told.UpdateService ?? [])
            .filter((m) => /nothing was rolled back|not rolled back: the service moved off/.test(m.text))
            .map(
              () =>
                `prod/payments runs ${revisionName(o.good)}, which the policy's rollback set, and Slack says it was not rolled back`,
            ),
  },
  {
    id: "P6",
    says: "each event's outcome is told once",
    breaks: "inconsistent",
    // "Could not be checked" and, after a retry or a redrive, the verdict are two outcomes, each
    // told once; the same verdict told twice is the duplicate.
    check: (o) =>
      Object.entries(o.told).flatMap(([trigger, messages]) =>
        [...new Set(messages.map((m) => m.verdict))]
          .map((verdict) => ({ verdict, times: messages.filter((m) => m.verdict === verdict).length }))
          .filter(({ times }) => times > 1)
          .map(({ verdict, times }) => `${trigger}: "${verdict}" was told ${times} times`),
      ),
  },
];

export const policyFlow: FlowSpec<PolicyWorld, PolicyObservation> = {
  name: "policy",
  functionName: "policy",
  story:
    "enforce mode: `prod/payments` is pointed at a new privileged revision with a plain-text password; CloudTrail RegisterTaskDefinition, then UpdateService",
  config: { policy: { mode: "enforce", enforceAt: "high" } },
  async seed(h) {
    await createCluster(h.direct, "prod");
    const { containerDefinitions, ...properties } = GOOD;
    const service = await createService(h.direct, {
      cluster: "prod",
      name: "payments",
      family: "payments",
      containers: containerDefinitions ?? [],
      taskDefinition: properties,
    });
    const bad =
      (await h.direct.ecs.send(new RegisterTaskDefinitionCommand(BAD))).taskDefinition?.taskDefinitionArn ??
      "";
    await h.direct.ecs.send(
      new UpdateServiceCommand({ cluster: "prod", service: "payments", taskDefinition: bad }),
    );
    return {
      good: service.taskDefinition ?? "",
      bad,
      serviceArn: service.serviceArn ?? "",
      clusterArn: service.clusterArn ?? "",
    };
  },
  steps: (_h, world) => [
    {
      label: REGISTERED,
      event: cloudTrailCall(
        "6b5a4c3d-0000-4000-8000-000000000001",
        "RegisterTaskDefinition",
        { family: "payments" },
        { taskDefinition: { taskDefinitionArn: world.bad } },
      ),
    },
    {
      label: UPDATED,
      event: cloudTrailCall(
        "6b5a4c3d-0000-4000-8000-000000000002",
        "UpdateService",
        { cluster: "prod", service: "payments", taskDefinition: world.bad },
        {
          service: { serviceArn: world.serviceArn, clusterArn: world.clusterArn, taskDefinition: world.bad },
        },
      ),
    },
  ],
  handler: (_h, clients) => createPolicyHandler(createRuntime("policy", { clients: clients.aws })),
  async observe(h, world, run) {
    const service = await describeService(h.direct.ecs, "prod", "payments");
    const byTrigger: Record<string, Array<{ verdict: string; text: string }>> = {};
    for (const message of told(run)) {
      const text = messageText(message);
      // The verdict line, or the one of a revision that could not be read (core/policy/messages.ts).
      const line =
        /^(?::grey_question: )?(RegisterTaskDefinition|UpdateService): (compliant|\*not compliant\*|`[^`]*` could not be read)/m.exec(
          text,
        );
      const trigger = line?.[1] ?? "other";
      const verdict = line?.[2]?.endsWith("could not be read") ? "could not be checked" : line?.[2];
      byTrigger[trigger] = [
        ...(byTrigger[trigger] ?? []),
        { verdict: (verdict ?? "?").replaceAll("*", ""), text },
      ];
    }
    return {
      runs: service.taskDefinition ?? "",
      good: world.good,
      bad: await describeRevision(h.direct.ecs, world.bad),
      told: byTrigger,
      registerDeadLettered: deadLettered(run, REGISTERED),
      updateDeadLettered: deadLettered(run, UPDATED),
    };
  },
  invariants,
};
