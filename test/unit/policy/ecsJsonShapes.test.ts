/**
 * Which resources a file in one of the ECS API's JSON shapes holds (core/policy/inputs/ecsJsonResources.ts):
 * the kind, name, format and home of each, taken from the shape the AWS CLI prints or takes.
 */
import { describe, expect, it } from "vitest";
import type { LoadedResource } from "../../../core/policy/LoadedResource.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";

const json = (value: unknown) => JSON.stringify(value, null, 2);
/** `kind subject (format) name run related` of each resource. */
const summary = (resources: readonly LoadedResource[]) =>
  resources.map((r) => ({
    kind: r.resourceType,
    subject: r.subject,
    name: r.name,
    format: r.format,
    run: r.run,
    related: Object.keys(r.related),
  }));
const ARN = "arn:aws:ecs:eu-west-1:123456789012";

describe("ECS API JSON: which resources a file holds", () => {
  it("DescribeTaskDefinition output: the definition, its tags beside it, its home from its ARN, its fields on their lines", async () => {
    const text = json({
      taskDefinition: {
        taskDefinitionArn: `${ARN}:task-definition/web:7`,
        family: "web",
        containerDefinitions: [{ name: "app", image: "nginx" }],
      },
      tags: [{ key: "autopilot:policy-skip:ECS004", value: " sidecar ships logs " }],
    });
    const resources = await loadPolicyText(text, "describe.json");
    expect(summary(resources)).toEqual([
      {
        kind: "taskDefinition",
        subject: "web",
        name: "web",
        format: "describe",
        run: { account: "123456789012", region: "eu-west-1" },
        related: [],
      },
    ]);
    expect(resources[0]?.suppressions).toEqual([
      { ruleId: "ECS004", reason: "sidecar ships logs", source: "tags" },
    ]);
    // The definition's own fields are inside `taskDefinition`: line 4 is its family.
    expect(resources[0]?.locate(["family"])?.line).toBe(4);
  });

  it("a definition's own tags win over the ones beside it", async () => {
    const [task] = await loadPolicyText(
      json({
        taskDefinition: {
          family: "web",
          containerDefinitions: [],
          tags: [{ key: "autopilot:policy-skip:ECS002", value: "own" }],
        },
        tags: [{ key: "autopilot:policy-skip:ECS004", value: "beside" }],
      }),
      "describe.json",
    );
    expect(task?.suppressions.map((s) => s.ruleId)).toEqual(["ECS002"]);
  });

  it("RegisterTaskDefinition input: the file is the definition (format ecs), with its tags; no ARN, no home", async () => {
    const resources = await loadPolicyText(
      json({
        family: "web",
        containerDefinitions: [{ name: "app", image: "nginx" }],
        tags: [{ key: "autopilot:policy-skip:ECS004", value: "why" }],
      }),
      "taskdef.json",
    );
    expect(summary(resources)).toEqual([
      { kind: "taskDefinition", subject: "web", name: "web", format: "ecs", run: {}, related: [] },
    ]);
    expect(resources[0]?.suppressions.map((s) => s.ruleId)).toEqual(["ECS004"]);
    expect(resources[0]?.locate(["family"])?.line).toBe(2);
  });

  it("a `taskDefinition` object without containerDefinitions is not DescribeTaskDefinition output", async () => {
    await expect(loadPolicyText(json({ taskDefinition: { family: "web" } }), "other.json")).rejects.toThrow(
      "not an ECS input",
    );
  });

  it("DescribeServices output: each service and each of its task sets (named by id), entries that are not objects passed over", async () => {
    const text = json({
      services: [
        {
          serviceArn: `${ARN}:service/prod/web`,
          serviceName: "web",
          taskSets: [
            { id: "ecs-svc/1", taskSetArn: `${ARN}:task-set/prod/web/ecs-svc/1` },
            null,
            { taskSetArn: `${ARN}:task-set/prod/web/ecs-svc/2` },
          ],
        },
        "not a service",
      ],
    });
    const resources = await loadPolicyText(text, "services.json");
    const home = { account: "123456789012", region: "eu-west-1" };
    expect(summary(resources)).toEqual([
      { kind: "service", subject: "web", name: "web", format: "describe", run: home, related: [] },
      {
        kind: "taskSet",
        subject: "ecs-svc/1",
        name: "ecs-svc/1",
        format: "describe",
        run: home,
        related: [],
      },
      // No id: the last part of its ARN.
      { kind: "taskSet", subject: "2", name: "2", format: "describe", run: home, related: [] },
    ]);
    // A task set's fields are inside its service's list: services[0].taskSets[2].
    expect(resources[2]?.locate(["taskSetArn"])?.line).toBe(13);
  });

  it("DescribeClusters output: each cluster, named, with the home its ARN gives", async () => {
    const resources = await loadPolicyText(
      json({ clusters: [{ clusterArn: `${ARN}:cluster/prod`, clusterName: "prod" }, 7] }),
      "clusters.json",
    );
    expect(summary(resources)).toEqual([
      {
        kind: "cluster",
        subject: "prod",
        name: "prod",
        format: "describe",
        run: { account: "123456789012", region: "eu-west-1" },
        related: [],
      },
    ]);
  });

  it("DescribeCapacityProviders output: providers are objects; a list of provider names is not that output", async () => {
    const resources = await loadPolicyText(
      json({
        capacityProviders: [{ name: "on-demand", capacityProviderArn: `${ARN}:capacity-provider/on-demand` }],
      }),
      "providers.json",
    );
    expect(summary(resources)).toEqual([
      {
        kind: "capacityProvider",
        subject: "on-demand",
        name: "on-demand",
        format: "describe",
        run: { account: "123456789012", region: "eu-west-1" },
        related: [],
      },
    ]);
    // CreateCluster input names its providers: a cluster, not providers.
    const cluster = await loadPolicyText(
      json({ clusterName: "prod", capacityProviders: ["FARGATE"], settings: [] }),
      "create-cluster.json",
    );
    expect(summary(cluster)).toEqual([
      { kind: "cluster", subject: "prod", name: "prod", format: "ecs", run: {}, related: [] },
    ]);
  });

  it("DescribeTaskSets output: each task set", async () => {
    const resources = await loadPolicyText(
      json({ taskSets: [{ id: "ecs-svc/9", taskSetArn: `${ARN}:task-set/prod/web/ecs-svc/9` }] }),
      "task-sets.json",
    );
    expect(summary(resources)).toEqual([
      {
        kind: "taskSet",
        subject: "ecs-svc/9",
        name: "ecs-svc/9",
        format: "describe",
        run: { account: "123456789012", region: "eu-west-1" },
        related: [],
      },
    ]);
  });

  it("CreateService/UpdateService, CreateCluster and CreateTaskSet output: the one resource they wrap", async () => {
    const one = async (value: unknown) => summary(await loadPolicyText(json(value), "output.json"));
    expect(await one({ service: { serviceName: "web" } })).toEqual([
      { kind: "service", subject: "web", name: "web", format: "describe", run: {}, related: [] },
    ]);
    expect(await one({ cluster: { clusterName: "prod" } })).toEqual([
      { kind: "cluster", subject: "prod", name: "prod", format: "describe", run: {}, related: [] },
    ]);
    expect(await one({ taskSet: { id: "ecs-svc/3" } })).toEqual([
      { kind: "taskSet", subject: "ecs-svc/3", name: "ecs-svc/3", format: "describe", run: {}, related: [] },
    ]);
  });

  it("a field of a wrapped resource (Create*/Update* output) or of a Create* input is found on its own line", async () => {
    // Pretty-printed: `{`, the wrapper key, then the resource's fields from line 3 (line 2 for an input).
    const lineOf = async (value: unknown, field: string) =>
      (await loadPolicyText(json(value), "file.json"))[0]?.locate([field])?.line;
    expect(await lineOf({ service: { launchType: "EC2", serviceName: "web" } }, "serviceName")).toBe(4);
    expect(await lineOf({ cluster: { status: "ACTIVE", clusterName: "prod" } }, "clusterName")).toBe(4);
    expect(await lineOf({ taskSet: { status: "PRIMARY", id: "ecs-svc/3" } }, "id")).toBe(4);
    expect(await lineOf({ cluster: "prod", serviceName: "web" }, "serviceName")).toBe(3);
    expect(await lineOf({ settings: [], clusterName: "prod" }, "clusterName")).toBe(3);
  });

  it("CreateService input: a service name with a task definition or a cluster; CreateCluster input: a cluster name with settings or configuration", async () => {
    const one = async (value: unknown) => summary(await loadPolicyText(json(value), "input.json"));
    const service = [{ kind: "service", subject: "web", name: "web", format: "ecs", run: {}, related: [] }];
    expect(await one({ serviceName: "web", taskDefinition: "web:7" })).toEqual(service);
    expect(await one({ serviceName: "web", cluster: "prod" })).toEqual(service);
    const cluster = [{ kind: "cluster", subject: "prod", name: "prod", format: "ecs", run: {}, related: [] }];
    expect(await one({ clusterName: "prod", settings: [] })).toEqual(cluster);
    expect(await one({ clusterName: "prod", configuration: {} })).toEqual(cluster);
    // A name alone is not enough to say what the file is.
    for (const value of [{ serviceName: "web" }, { clusterName: "prod" }])
      await expect(loadPolicyText(json(value), "input.json")).rejects.toThrow("not an ECS input");
  });

  it("a resource without a name is called by the last part of its ARN, else by its file", async () => {
    const subjects = async (value: unknown) =>
      (await loadPolicyText(json(value), "unnamed.json")).map((r) => [r.subject, r.name]);
    expect(await subjects({ services: [{ serviceArn: `${ARN}:service/prod/web` }] })).toEqual([
      ["web", undefined],
    ]);
    expect(await subjects({ services: [{ launchType: "FARGATE" }] })).toEqual([["unnamed.json", undefined]]);
    expect(await subjects({ taskSets: [{ status: "ACTIVE" }] })).toEqual([["unnamed.json", undefined]]);
  });

  it("the home is read only from an ECS ARN of a partition (aws, aws-cn, aws-us-gov) with a 12-digit account", async () => {
    const home = async (serviceArn: string) =>
      (await loadPolicyText(json({ services: [{ serviceName: "web", serviceArn }] }), "s.json"))[0]?.run;
    expect(await home("arn:aws-cn:ecs:cn-north-1:123456789012:service/prod/web")).toEqual({
      account: "123456789012",
      region: "cn-north-1",
    });
    expect(await home("arn:aws:ec2:eu-west-1:123456789012:instance/i-1")).toEqual({});
    expect(await home("arn:aws:ecs:eu-west-1:12345:service/prod/web")).toEqual({});
    expect(await home("arn:aws:ecs:eu-west-1:1234567890123:service/prod/web")).toEqual({});
    expect(await home("x:arn:aws:ecs:eu-west-1:123456789012:service/prod/web")).toEqual({});
  });
});
