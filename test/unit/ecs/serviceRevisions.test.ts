/**
 * runningDigests: which digest ECS runs for each container, from the service revisions a service
 * reports current. moto 5.2.1 has no service revisions, so ECS's answers are given by
 * aws-sdk-client-mock, shaped as the ECS API reference documents DescribeServiceRevisions.
 */
import {
  DescribeServiceRevisionsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type Service,
  type ServiceRevision,
  UnsupportedFeatureException,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { rolledBackDigests, runningDigests } from "../../../core/ecs/serviceRevisions.ts";

const SERVICE = "arn:aws:ecs:eu-west-1:123456789012:service/prod";
const digest = (n: number) => `sha256:${String(n).padStart(64, "0")}`;
const service = (name: string, revisions: number[]): Service => ({
  serviceArn: `${SERVICE}/${name}`,
  currentServiceRevisions: revisions.map((id) => ({
    arn: `${SERVICE.replace(":service/", ":service-revision/")}/${name}/${id}`,
  })),
});
const revision = (name: string, id: number, images: Record<string, string | undefined>): ServiceRevision => ({
  serviceRevisionArn: `${SERVICE.replace(":service/", ":service-revision/")}/${name}/${id}`,
  containerImages: Object.entries(images).map(([containerName, imageDigest]) => ({
    containerName,
    ...(imageDigest ? { imageDigest } : {}),
  })),
});

function ecsAnswering(revisions: readonly ServiceRevision[]) {
  const ecs = new ECSClient({ region: "eu-west-1" });
  const mock = mockClient(ecs);
  mock.on(DescribeServiceRevisionsCommand).callsFake((input: { serviceRevisionArns: string[] }) => ({
    serviceRevisions: revisions.filter((r) => input.serviceRevisionArns.includes(r.serviceRevisionArn ?? "")),
    failures: input.serviceRevisionArns
      .filter((arn) => !revisions.some((r) => r.serviceRevisionArn === arn))
      .map((arn) => ({ arn, reason: "MISSING" })),
  }));
  return { ecs, mock };
}

describe("runningDigests", () => {
  it("one current revision: each container's digest", async () => {
    const { ecs } = ecsAnswering([revision("web", 1, { web: digest(1), sidecar: digest(2) })]);
    const digests = await runningDigests(ecs, [service("web", [1])], () => true);
    expect(digests.get(`${SERVICE}/web`)).toEqual({ web: digest(1), sidecar: digest(2) });
  });

  it("a container named __proto__ (a legal container name) is answered like any other", async () => {
    const { ecs } = ecsAnswering([revision("web", 1, Object.fromEntries([["__proto__", digest(1)]]))]);
    const digests = await runningDigests(ecs, [service("web", [1])], () => true);
    expect(Object.entries(digests.get(`${SERVICE}/web`) ?? {})).toEqual([["__proto__", digest(1)]]);
  });

  it("two current revisions: only the containers both run on the same digest (a roll-out under way)", async () => {
    const { ecs } = ecsAnswering([
      revision("web", 1, { web: digest(1), sidecar: digest(2) }),
      revision("web", 2, { web: digest(3), sidecar: digest(2) }),
    ]);
    const digests = await runningDigests(ecs, [service("web", [1, 2])], () => true);
    expect(digests.get(`${SERVICE}/web`)).toEqual({ sidecar: digest(2) });
  });

  it("a container without a digest (version consistency off) is not answered; nor is a service none of whose containers has one", async () => {
    const { ecs } = ecsAnswering([
      revision("web", 1, { web: undefined, sidecar: digest(2) }),
      revision("api", 1, { api: undefined }),
    ]);
    const digests = await runningDigests(ecs, [service("web", [1]), service("api", [1])], () => true);
    expect(digests.get(`${SERVICE}/web`)).toEqual({ sidecar: digest(2) });
    expect(digests.has(`${SERVICE}/api`)).toBe(false);
  });

  it("a current revision ECS reports as a failure leaves the service unanswered", async () => {
    const { ecs } = ecsAnswering([revision("web", 1, { web: digest(1) })]);
    const digests = await runningDigests(ecs, [service("web", [1, 2])], () => true);
    expect(digests.has(`${SERVICE}/web`)).toBe(false);
  });

  it("asks only for the services selected, and none at all for services with no current revision", async () => {
    const { ecs, mock } = ecsAnswering([revision("web", 1, { web: digest(1) })]);
    const digests = await runningDigests(
      ecs,
      [service("web", [1]), service("pinned", [1]), service("old", [])],
      (s) => s.serviceArn !== `${SERVICE}/pinned`,
    );
    expect([...digests.keys()]).toEqual([`${SERVICE}/web`]);
    expect(mock.commandCalls(DescribeServiceRevisionsCommand).map((c) => c.args[0].input)).toEqual([
      { serviceRevisionArns: [service("web", [1]).currentServiceRevisions?.[0]?.arn] },
    ]);
  });

  it("20 revisions per call, across services", async () => {
    const services = Array.from({ length: 25 }, (_, i) => service(`s${i}`, [1]));
    const { ecs, mock } = ecsAnswering(services.map((_, i) => revision(`s${i}`, 1, { app: digest(i) })));
    const digests = await runningDigests(ecs, services, () => true);
    expect(digests.size).toBe(25);
    expect(digests.get(`${SERVICE}/s24`)).toEqual({ app: digest(24) });
    expect(
      mock
        .commandCalls(DescribeServiceRevisionsCommand)
        .map((c) => c.args[0].input.serviceRevisionArns?.length),
    ).toEqual([20, 5]);
  });

  it("where the API is not supported, ECS says nothing (the tag dates what runs, as before)", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    mockClient(ecs)
      .on(DescribeServiceRevisionsCommand)
      .rejects(new UnsupportedFeatureException({ message: "not available in this Region", $metadata: {} }));
    expect((await runningDigests(ecs, [service("web", [1])], () => true)).size).toBe(0);
  });

  it("a failed call fails (the push is retried, never planned on a guess)", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    mockClient(ecs).on(DescribeServiceRevisionsCommand).rejects(new Error("Rate exceeded"));
    await expect(runningDigests(ecs, [service("web", [1])], () => true)).rejects.toThrow("Rate exceeded");
  });

  it("rolledBackDigests: the images of the deployments ECS rolled back since, from their target revisions", async () => {
    const { ecs, mock } = ecsAnswering([revision("web", 9, { web: digest(42), sidecar: digest(7) })]);
    mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          status: "ROLLBACK_SUCCESSFUL",
          targetServiceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
        },
      ],
    });
    const since = new Date("2026-11-27T10:00:00Z");
    const { digests: rolled } = await rolledBackDigests(
      ecs,
      { ...service("web", [1]), clusterArn: "arn:c" },
      since,
    );
    expect([...rolled].sort()).toEqual([digest(7), digest(42)]);
    expect(mock.commandCalls(ListServiceDeploymentsCommand)[0]?.args[0].input).toEqual({
      service: `${SERVICE}/web`,
      cluster: "arn:c",
      status: ["ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"],
      createdAt: { after: since },
      maxResults: 100,
    });
  });

  it("rolledBackDigests: only the digests the rolled-back deployment brought, not those the service still runs in the same container", async () => {
    // Found in review (issue 11, round 11): a settings change on top of build 42, rolled back to the
    // revision running build 42, counted build 42 as rolled back.
    const { ecs, mock } = ecsAnswering([
      revision("web", 1, { web: digest(42), sidecar: digest(6) }),
      revision("web", 2, { web: digest(42), sidecar: digest(5) }),
      revision("web", 9, { web: digest(42), sidecar: digest(7), jobs: digest(6) }),
    ]);
    mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          status: "ROLLBACK_SUCCESSFUL",
          targetServiceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
        },
      ],
    });
    const since = new Date("2026-11-27T10:00:00Z");
    // web runs 42 now: not brought by the rolled-back deployment. jobs' 6 runs in sidecar, not in jobs.
    expect([...(await rolledBackDigests(ecs, service("web", [1]), since)).digests].sort()).toEqual([
      digest(6),
      digest(7),
    ]);
    // One DescribeServiceRevisions for the target and the current revision together.
    expect(
      mock.commandCalls(DescribeServiceRevisionsCommand).map((c) => c.args[0].input.serviceRevisionArns),
    ).toEqual([[revision("web", 9, {}).serviceRevisionArn, revision("web", 1, {}).serviceRevisionArn]]);
    // Two current revisions (a roll-out under way): excluded only where both run it.
    expect([...(await rolledBackDigests(ecs, service("web", [1, 2]), since)).digests].sort()).toEqual([
      digest(6),
      digest(7),
    ]);
    const both = ecsAnswering([
      revision("web", 1, { web: digest(41), sidecar: digest(7) }),
      revision("web", 2, { web: digest(42), sidecar: digest(7) }),
      revision("web", 9, { web: digest(42), sidecar: digest(7) }),
    ]);
    both.mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          status: "ROLLBACK_SUCCESSFUL",
          targetServiceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
        },
      ],
    });
    expect([...(await rolledBackDigests(both.ecs, service("web", [1, 2]), since)).digests]).toEqual([
      digest(42),
    ]);
    // A current revision ECS does not describe excludes nothing.
    expect([...(await rolledBackDigests(both.ecs, service("web", [3]), since)).digests].sort()).toEqual([
      digest(7),
      digest(42),
    ]);
  });

  it("rolledBackDigests: follows ListServiceDeployments' pages, and keeps only deployments created after the push", async () => {
    const { ecs, mock } = ecsAnswering([
      revision("web", 8, { web: digest(41) }),
      revision("web", 9, { web: digest(42) }),
    ]);
    const since = new Date("2026-11-27T10:00:00Z");
    mock
      .on(ListServiceDeploymentsCommand)
      .resolvesOnce({
        serviceDeployments: [
          {
            status: "ROLLBACK_SUCCESSFUL",
            createdAt: new Date("2026-11-27T09:00:00Z"),
            targetServiceRevisionArn: revision("web", 8, {}).serviceRevisionArn,
          },
        ],
        nextToken: "page-2",
      })
      .resolvesOnce({
        serviceDeployments: [
          {
            status: "ROLLBACK_SUCCESSFUL",
            createdAt: new Date("2026-11-27T10:05:00Z"),
            targetServiceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
          },
        ],
      });
    expect([...(await rolledBackDigests(ecs, service("web", [1]), since)).digests]).toEqual([digest(42)]);
    expect(mock.commandCalls(ListServiceDeploymentsCommand).map((c) => c.args[0].input.nextToken)).toEqual([
      undefined,
      "page-2",
    ]);
  });

  it("rolledBackDigests: nothing asked where ECS reports no service revisions; nothing rolled back, nothing described", async () => {
    const { ecs, mock } = ecsAnswering([]);
    mock.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    expect((await rolledBackDigests(ecs, service("web", []), new Date())).digests.size).toBe(0);
    expect(mock.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(0);
    expect((await rolledBackDigests(ecs, service("web", [1]), new Date())).digests.size).toBe(0);
    expect(mock.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(1);
    expect(mock.commandCalls(DescribeServiceRevisionsCommand)).toHaveLength(0);
  });

  it("rolledBackDigests: unsupported is nothing rolled back; any other failure fails", async () => {
    const ecs = new ECSClient({ region: "eu-west-1" });
    const mock = mockClient(ecs);
    mock
      .on(ListServiceDeploymentsCommand)
      .rejectsOnce(new UnsupportedFeatureException({ message: "not here", $metadata: {} }))
      .rejects(new Error("Rate exceeded"));
    expect((await rolledBackDigests(ecs, service("web", [1]), new Date())).digests.size).toBe(0);
    await expect(rolledBackDigests(ecs, service("web", [1]), new Date())).rejects.toThrow("Rate exceeded");
  });

  it("an image string counts as pinned only when it ends in a whole sha256 digest; otherwise the rolled-back container is unresolved, with its image", async () => {
    const image = (tail: string) => `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web@${tail}`;
    const { ecs, mock } = ecsAnswering([
      revision("web", 1, { web: digest(1), worker: digest(1) }),
      {
        serviceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
        containerImages: [
          { containerName: "web", image: image(digest(42)) },
          { containerName: "worker", image: image(`${digest(43)}0`) },
        ],
      },
    ]);
    const since = new Date("2026-11-27T10:00:00Z");
    mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          serviceDeploymentArn: `${SERVICE.replace(":service/", ":service-deployment/")}/web/rolled`,
          status: "ROLLBACK_SUCCESSFUL",
          createdAt: new Date("2026-11-27T10:00:01Z"),
          targetServiceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
        },
      ],
    });
    const rolled = await rolledBackDigests(ecs, service("web", [1]), since);
    expect([...rolled.digests]).toEqual([digest(42)]);
    expect(rolled.unresolved.map((u) => [u.container, u.image])).toEqual([
      ["worker", image(`${digest(43)}0`)],
    ]);
  });

  it("only sha256 digests are digests, a revision summary without an ARN is not asked, and a deployment created at the push's very time is not one after it", async () => {
    const { ecs, mock } = ecsAnswering([
      revision("web", 1, { web: "not-a-digest", sidecar: digest(2) }),
      revision("web", 9, { web: digest(42), sidecar: "latest" }),
    ]);
    const summaryWithoutArn = {
      ...service("web", [1]),
      currentServiceRevisions: [{}, { arn: revision("web", 1, {}).serviceRevisionArn }],
    };
    expect((await runningDigests(ecs, [summaryWithoutArn], () => true)).get(`${SERVICE}/web`)).toEqual({
      sidecar: digest(2),
    });
    expect(mock.commandCalls(DescribeServiceRevisionsCommand)[0]?.args[0].input.serviceRevisionArns).toEqual([
      revision("web", 1, {}).serviceRevisionArn,
    ]);
    const since = new Date("2026-11-27T10:00:00Z");
    mock.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [
        {
          status: "ROLLBACK_SUCCESSFUL",
          createdAt: new Date(since),
          targetServiceRevisionArn: `${SERVICE}/at-the-push`,
        },
        {
          status: "ROLLBACK_SUCCESSFUL",
          createdAt: new Date("2026-11-27T10:00:01Z"),
          targetServiceRevisionArn: revision("web", 9, {}).serviceRevisionArn,
        },
        { status: "ROLLBACK_SUCCESSFUL", createdAt: new Date("2026-11-27T10:00:02Z") },
      ],
    });
    const rolled = await rolledBackDigests(ecs, service("web", [1]), since);
    expect([...rolled.digests]).toEqual([digest(42)]);
    // What is no digest, and a deployment without a target, are not "not rolled back" (issue 11, note 1).
    expect(rolled.unresolved).toEqual([
      { deployment: "(a deployment ECS gives no ARN)" },
      { deployment: "(a deployment ECS gives no ARN)", container: "sidecar" },
    ]);
    // Current revisions ECS names without an ARN say nothing of what runs: nothing is excluded.
    const noArns = { ...service("web", []), currentServiceRevisions: [{}] };
    expect([...(await rolledBackDigests(ecs, noArns, since)).digests]).toEqual([digest(42)]);
  });
});
