/**
 * The issue-14 review's reproductions of unknown values decided as pass or fail (defect 1): each
 * rule named there is now unknown at the named place, and never a finding or a silent pass.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateResource, evaluateTaskDefinition, fromEcsApi } from "../../../core/policy/index.ts";
import { loadPolicyFile, loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";

const UNKNOWNS = resolve(import.meta.dirname, "..", "..", "fixtures", "policy", "unknowns");

/** Per resource address: `ruleId @line` of findings and `?ruleId path @line` of unknowns, for some rules. */
async function outcomes(file: string, rules: readonly string[]) {
  const found: Record<string, string[]> = {};
  for (const resource of await loadPolicyFile(resolve(UNKNOWNS, file))) {
    const evaluation = evaluateResource(resource, DEFAULT_CONFIG.policy);
    found[resource.address ?? resource.subject] = [
      ...evaluation.findings
        .filter((f) => rules.includes(f.ruleId))
        .map((f) => `${f.ruleId} @${f.location?.line}`),
      ...evaluation.unknown
        .filter((u) => rules.includes(u.ruleId))
        .map((u) => `?${u.ruleId} ${u.path} @${u.location?.line}`),
    ].sort();
  }
  return found;
}

describe("unknown values from the review's reproductions", () => {
  it("1a: a container list built by concat()/jsonencode(local.…) leaves ECS010, ECS017, ECS019 and ECS020 unknown, not passed", async () => {
    const found = await outcomes("concat/main.tf", ["ECS010", "ECS017", "ECS019", "ECS020"]);
    // No task memory and no execution role, the containers unknown: memory limits and secrets are not known.
    expect(found["aws_ecs_task_definition.ec2"]).toEqual([
      "?ECS010 containerDefinitions @13",
      "?ECS017 containerDefinitions @13",
    ]);
    // Task memory 512 behind a load balancer: the containers' health checks and memory are not known.
    expect(found["aws_ecs_task_definition.t"]).toEqual([
      "?ECS017 containerDefinitions @7",
      "?ECS019 containerDefinitions @7",
      "?ECS020 containerDefinitions @7",
    ]);
  });

  it("1a: a plan whose container_definitions are known after apply leaves the container rules unknown", async () => {
    const found = await outcomes("plan.json", ["ECS010", "ECS017", "ECS019", "ECS020", "ECS001"]);
    expect(found["aws_ecs_task_definition.app"]).toEqual([
      "?ECS001 containerDefinitions @34",
      "?ECS017 containerDefinitions @34",
      "?ECS017 executionRoleArn @34",
      "?ECS020 containerDefinitions @34",
    ]);
    // The other task definition is known: its privileged container is a finding on its line.
    expect(found["aws_ecs_task_definition.known"]).toEqual(["ECS001 @58", "ECS010 @58"]);
  });

  it("1b: ECS034 with an unknown service name, cluster name, cluster or environment tag is unknown, never 'not production'", async () => {
    // ServiceName: !Sub "${Env}-api" in a cluster !Sub "${Env}-cluster" that logs nothing.
    expect((await outcomes("conditions.template.yaml", ["ECS034"])).Service).toEqual([
      "?ECS034 cluster @19",
      "?ECS034 serviceName @18",
    ]);
    // cluster = var.cluster_arn, tags = { env = var.env }.
    expect((await outcomes("expressions/main.tf", ["ECS034"]))["aws_ecs_service.svc"]).toEqual([
      "?ECS034 cluster @73",
      "?ECS034 tags[0].value @79",
    ]);
  });

  it("1c: ECS023 with settings from a dynamic block or !If, and ECS038 with an unknown deployment controller, are unknown, not findings", async () => {
    const terraform = await outcomes("expressions/main.tf", ["ECS023", "ECS038"]);
    expect(terraform["aws_ecs_cluster.dyn"]).toEqual(["?ECS023 settings @21"]);
    expect(terraform["aws_ecs_service.svc"]).toEqual(["?ECS038 deploymentController.type @77"]);
    // A cluster that sets no containerInsights at all still fails.
    expect(terraform["aws_ecs_cluster.named"]).toEqual(["ECS023 @30"]);
    const template = await outcomes("conditions.template.yaml", ["ECS023", "ECS038"]);
    expect(template.Cluster).toEqual(["?ECS023 settings @11"]);
    expect(template.Service).toEqual(["?ECS038 deploymentController.type @22"]);
  });

  it("1d: ECS032 with ports from a for expression and nofile 1024 is unknown, not passed", async () => {
    expect((await outcomes("expressions/main.tf", ["ECS032"]))["aws_ecs_task_definition.merged"]).toEqual([
      "?ECS032 containerDefinitions[0] @43",
      "?ECS032 containerDefinitions[1].portMappings @47",
    ]);
  });
});

describe("values of the wrong type (defect 6)", () => {
  it("a null container definition is never a compliant container: refused by the loader, unknown to every container rule", async () => {
    // From a file, the loader refuses it (issue 11's input checks) with the path and line, so a
    // directory holding it exits 2 (it is no fixture of test/fixtures/policy for that reason).
    await expect(
      loadPolicyText('{"family":"n","containerDefinitions":[null]}', "null-container.json"),
    ).rejects.toThrow("null-container.json:1:39: n: containerDefinitions[0] must be an object, not null");
    // The rules never read one as a container that passes, whatever hands it to them.
    const evaluation = evaluateResource(
      { document: { family: "n", containerDefinitions: [null] }, subject: "n", suppressions: [], run: {} },
      DEFAULT_CONFIG.policy,
    );
    const rules = ["ECS001", "ECS004", "ECS007"];
    expect(evaluation.findings.filter((f) => rules.includes(f.ruleId))).toEqual([]);
    expect(
      evaluation.unknown.filter((u) => rules.includes(u.ruleId)).map((u) => `?${u.ruleId} ${u.path}`),
    ).toEqual([
      "?ECS001 containerDefinitions[0]",
      "?ECS004 containerDefinitions[0]",
      "?ECS007 containerDefinitions[0]",
    ]);
  });

  it('"privileged": "TRUE" and "essential": "yes" are not booleans ECS accepts: unknown, not passed', async () => {
    const found = await outcomes("wrong-types/strings.json", ["ECS001", "ECS036"]);
    expect(found.x).toEqual([
      "?ECS001 containerDefinitions[0].privileged @1",
      "?ECS036 containerDefinitions[0].essential @1",
    ]);
  });

  it("in the account too (DescribeTaskDefinition read through fromEcsApi, no loader in between)", () => {
    const evaluation = evaluateTaskDefinition(
      fromEcsApi({ family: "n", containerDefinitions: [null, { name: "a", privileged: "TRUE" }] }),
      DEFAULT_CONFIG.policy,
    );
    expect(evaluation.findings.filter((f) => f.ruleId === "ECS001")).toEqual([]);
    expect(evaluation.unknown.filter((u) => u.ruleId === "ECS001").map((u) => u.message)).toEqual([
      "containerDefinitions[0] is null, not an object: read as not known",
      'containerDefinitions[1].privileged is "TRUE", not a boolean: read as not known',
    ]);
  });
});
