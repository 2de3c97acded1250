/**
 * Found in review (issue 11, round 10), fixed: two ways e7c4c22's rolledBackDigests answered "nothing
 * rolled back" without having read everything, which lets the build ECS rolled back out again.
 * moto has no ListServiceDeployments nor DescribeServiceRevisions: ECS's answers are given by
 * aws-sdk-client-mock, as test/unit/ecs/serviceRevisions.test.ts does.
 *
 * Issue 11, note 1: a rolled-back deployment whose images ECS does not name — a container of its
 * target revision without `imageDigest` (ECS does not resolve a tag whose `versionConsistency` is
 * `disabled`; ContainerImage.imageDigest is optional in the API reference), or no
 * `targetServiceRevisionArn` at all (optional in ServiceDeploymentBrief) — was read as "not rolled
 * back". It is now `unresolved`, for the planner to fail closed on (planRedeploy, and
 * test/integration/redeploy/rolledBackUnresolved.test.ts).
 */
import {
  DescribeServiceRevisionsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { rolledBackDigests } from "../../../core/ecs/serviceRevisions.ts";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod/web";
const REVISIONS = SERVICE.replace(":service/", ":service-revision/");
const digest = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const service: Service = { serviceArn: SERVICE, currentServiceRevisions: [{ arn: `${REVISIONS}/1` }] };
const since = new Date("2026-11-27T10:00:00Z");

/** Whether the pushed digest is known not to have been rolled back ("failed" when the call throws). */
const verdict = (ecs: ECSClient) =>
  rolledBackDigests(ecs, service, since).then(
    ({ digests }) => (digests.has(digest(42)) ? "rolled back" : "not rolled back"),
    () => "failed",
  );

describe("rolledBackDigests never says 'not rolled back' without having read it", () => {
  it("more pages than it reads: the rolled-back deployment on page 11 is not taken as none", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    const mock = mockClient(ecs);
    const page = (n: number) => ({
      serviceDeployments: [
        {
          status: "ROLLBACK_SUCCESSFUL" as const,
          createdAt: new Date(since.getTime() + n * 1000),
          targetServiceRevisionArn: `${REVISIONS}/${n === 11 ? 42 : 100 + n}`,
        },
      ],
      ...(n < 11 ? { nextToken: `page-${n + 1}` } : {}),
    });
    let list = mock.on(ListServiceDeploymentsCommand);
    for (let n = 1; n <= 11; n++) list = list.resolvesOnce(page(n));
    mock.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => ({
      serviceRevisions: input.serviceRevisionArns.map((arn) => ({
        serviceRevisionArn: arn,
        containerImages: [{ containerName: "web", imageDigest: digest(Number(arn.split("/").pop())) }],
      })),
      failures: [],
    }));

    expect(await verdict(ecs)).not.toBe("not rolled back");
  });

  it("reads exactly ten pages before it gives up", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    const mock = mockClient(ecs);
    mock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [], nextToken: "more" });
    await expect(rolledBackDigests(ecs, service, since)).rejects.toThrow(
      `ListServiceDeployments of ${SERVICE} had more than 1000 rolled-back deployments since 2026-11-27T10:00:00.000Z`,
    );
    expect(mock.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(10);
  });

  it("a rolled-back deployment whose target revision ECS does not describe is not taken as none", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    const mock = mockClient(ecs);
    mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          status: "ROLLBACK_SUCCESSFUL",
          createdAt: new Date(since.getTime() + 60_000),
          targetServiceRevisionArn: `${REVISIONS}/42`,
        },
      ],
    });
    mock.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [],
      failures: [{ arn: `${REVISIONS}/42`, reason: "MISSING" }],
    });

    expect(await verdict(ecs)).not.toBe("not rolled back");
    await expect(rolledBackDigests(ecs, service, since)).rejects.toThrow(
      `DescribeServiceRevisions did not describe ${REVISIONS}/42 (a rolled-back deployment's target)`,
    );
  });

  it("a rolled-back target revision without a digest, or a rolled-back deployment without a target, is unresolved, not 'not rolled back'", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    const mock = mockClient(ecs);
    const deployment = (n: number) => `${SERVICE.replace(":service/", ":service-deployment/")}/${n}`;
    mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: deployment(1),
          status: "ROLLBACK_SUCCESSFUL",
          createdAt: new Date(since.getTime() + 60_000),
          targetServiceRevisionArn: `${REVISIONS}/42`,
        },
        {
          serviceDeploymentArn: deployment(2),
          status: "ROLLBACK_FAILED",
          createdAt: new Date(since.getTime() + 120_000),
        },
      ],
    });
    const image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:main";
    mock.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => ({
      serviceRevisions: input.serviceRevisionArns.map((arn) =>
        arn === `${REVISIONS}/42`
          ? {
              serviceRevisionArn: arn,
              containerImages: [
                { containerName: "web", image },
                { containerName: "pinned", image: `${image.replace(":main", "")}@${digest(7)}` },
              ],
            }
          : { serviceRevisionArn: arn, containerImages: [{ containerName: "web", imageDigest: digest(1) }] },
      ),
      failures: [],
    }));

    const rolled = await rolledBackDigests(ecs, service, since);
    expect([...rolled.digests]).toEqual([digest(7)]);
    expect(rolled.unresolved).toEqual([
      { deployment: deployment(2) },
      { deployment: deployment(1), container: "web", image },
    ]);
  });

  it("names every rolled-back target ECS does not describe", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    const mock = mockClient(ecs);
    const rolledBack = (n: number) => ({
      status: "ROLLBACK_SUCCESSFUL" as const,
      createdAt: new Date(since.getTime() + n * 60_000),
      targetServiceRevisionArn: `${REVISIONS}/${n}`,
    });
    mock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [rolledBack(41), rolledBack(42)] });
    mock.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [],
      failures: [
        { arn: `${REVISIONS}/41`, reason: "MISSING" },
        { arn: `${REVISIONS}/42`, reason: "MISSING" },
      ],
    });
    await expect(rolledBackDigests(ecs, service, since)).rejects.toThrow(
      `DescribeServiceRevisions did not describe ${REVISIONS}/41, ${REVISIONS}/42 (a rolled-back deployment's target)`,
    );
  });
});
