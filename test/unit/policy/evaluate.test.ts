/**
 * The evaluator's own decisions (core/policy/evaluate.ts), apart from what each rule decides:
 * which rules are in force for a kind of resource, how a finding is placed in its file, which
 * suppressions and exemptions hold (and the finding a suppression without a reason becomes), the
 * order findings are listed in, and which findings reach a severity.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, parseConfig } from "../../../core/config/index.ts";
import {
  atOrAbove,
  effectiveRules,
  evaluateResource,
  evaluateRule,
  evaluateTaskDefinition,
  type PolicyRule,
  RULES,
  Unknown,
} from "../../../core/policy/index.ts";
import type {
  FieldPath,
  Finding,
  RelatedResources,
  ResourceDoc,
  RunContext,
  Suppression,
  Violation,
} from "../../../core/policy/types.ts";
import { compliant, container, RUN } from "./ruleCases.ts";

const config = (policy: unknown) => parseConfig(JSON.stringify({ policy }), "test").policy;
/** A task definition that breaks ECS001 (high, privileged) and ECS002 (medium, writable root filesystem). */
function twoFindings() {
  const td = compliant();
  container(td).privileged = true;
  container(td).readonlyRootFilesystem = false;
  return td;
}
const evaluate = (
  suppressions: Suppression[],
  settings = DEFAULT_CONFIG.policy,
  extra: { name?: string; file?: string; extraExemptions?: Array<{ ruleId: string; by: string }> } = {},
) =>
  evaluateResource(
    {
      document: twoFindings(),
      subject: "shop-web:7",
      suppressions,
      run: RUN,
      ...(extra.name ? { name: extra.name } : {}),
      ...(extra.file ? { file: extra.file } : {}),
    },
    settings,
    extra.extraExemptions ? { extraExemptions: extra.extraExemptions } : {},
  );

describe("effectiveRules: the rules in force", () => {
  it("takes the rules of one kind when a kind is given, and every rule in force without one", () => {
    const cluster = effectiveRules(DEFAULT_CONFIG.policy, "cluster").map((r) => r.id);
    expect(cluster).toEqual(
      RULES.filter((r) => r.resource === "cluster" && r.enabledByDefault !== false).map((r) => r.id),
    );
    expect(cluster.length).toBeGreaterThan(0);
    const taskDefinition = effectiveRules(DEFAULT_CONFIG.policy, "taskDefinition").map((r) => r.id);
    expect(taskDefinition).toContain("ECS001");
    expect(taskDefinition).not.toContain("ECS023");
    expect(effectiveRules(DEFAULT_CONFIG.policy).map((r) => r.id)).toEqual(
      RULES.filter((r) => r.enabledByDefault !== false).map((r) => r.id),
    );
  });

  it("leaves the tagging rules off until the config turns them on, and turns a rule off", () => {
    const ids = (settings = DEFAULT_CONFIG.policy) => effectiveRules(settings).map((r) => r.id);
    expect(ids()).not.toContain("ECS028");
    expect(ids()).toContain("ECS001");
    const changed = ids(config({ rules: { ECS028: { enabled: true }, ECS001: { enabled: false } } }));
    expect(changed).toContain("ECS028");
    expect(changed).not.toContain("ECS001");
  });

  it("takes the configured severity, and the configured parameters over the rule's own", () => {
    const [ecs014] = effectiveRules(
      config({
        rules: { ECS014: { severity: "low", params: { allowedRegistries: ["ghcr.io"], extra: 1 } } },
      }),
    ).filter((r) => r.id === "ECS014");
    expect(ecs014?.severity).toBe("low");
    expect(ecs014?.effectiveParams).toEqual({ allowedRegistries: ["ghcr.io"], extra: 1 });
    const [own] = effectiveRules(DEFAULT_CONFIG.policy).filter((r) => r.id === "ECS014");
    expect(own?.severity).toBe("high");
    expect(own?.effectiveParams).toEqual(RULES.find((r) => r.id === "ECS014")?.params);
  });
});

describe("evaluateResource: suppressions and exemptions", () => {
  it("lists findings by severity, then rule id, then path", () => {
    const td = twoFindings();
    // ECS001 at two containers, ECS002 (medium) at one.
    const sidecar = { ...container(td), name: "sidecar", privileged: true, readonlyRootFilesystem: true };
    (td.containerDefinitions as unknown[]).push(sidecar);
    const { findings } = evaluateResource(
      { document: td, subject: "x", suppressions: [], run: RUN },
      DEFAULT_CONFIG.policy,
    );
    expect(findings.map((f) => `${f.ruleId} ${f.severity} ${f.path}`)).toEqual([
      "ECS001 high containerDefinitions[0].privileged",
      "ECS001 high containerDefinitions[1].privileged",
      "ECS002 medium containerDefinitions[0].readonlyRootFilesystem",
    ]);
  });

  it("makes a suppression without a reason a finding of its own, which suppresses nothing", () => {
    const evaluation = evaluate([
      { ruleId: "ECS002", reason: "", source: "tags" },
      { ruleId: "", reason: "", source: "Metadata" },
    ]);
    // Two at one path: in the order the suppressions were read.
    const ecs000 = evaluation.findings.filter((f) => f.ruleId === "ECS000");
    expect(ecs000).toStrictEqual([
      {
        ruleId: "ECS000",
        title: "Suppression without a reason",
        severity: "medium",
        message: "tags suppresses ECS002 without saying why; it is ignored",
        path: "tags",
        subject: "shop-web:7",
        remediation: "Give every suppression a reason (the tag's value, or `reason` in Metadata).",
      },
      {
        ruleId: "ECS000",
        title: "Suppression without a reason",
        severity: "medium",
        message: "Metadata suppresses (no rule id) without saying why; it is ignored",
        path: "tags",
        subject: "shop-web:7",
        remediation: "Give every suppression a reason (the tag's value, or `reason` in Metadata).",
      },
    ]);
    expect(evaluation.findings.map((f) => f.ruleId)).toEqual(["ECS001", "ECS000", "ECS000", "ECS002"]);
    expect(evaluation.suppressed).toEqual([]);
    // In a file, the finding says which.
    const inFile = evaluate([{ ruleId: "ECS002", reason: "", source: "tags" }], DEFAULT_CONFIG.policy, {
      file: "taskdef.json",
    });
    expect(inFile.findings.find((f) => f.ruleId === "ECS000")?.file).toBe("taskdef.json");
  });

  it("suppresses a rule by an inline suppression with a reason, naming where it came from", () => {
    const evaluation = evaluate([{ ruleId: "ECS002", reason: "writes /tmp only, OPS-9", source: "tags" }]);
    expect(evaluation.findings.map((f) => f.ruleId)).toEqual(["ECS001"]);
    expect(evaluation.suppressed.map((s) => [s.finding.ruleId, s.by, s.reason])).toEqual([
      ["ECS002", "tags", "writes /tmp only, OPS-9"],
    ]);
  });

  it("exempts by the config's family glob, matched against the family, not the revision", () => {
    const exempt = (family: string) =>
      config({ exemptions: [{ family, rule: "ECS002", reason: "legacy image, OPS-12" }] });
    const evaluation = evaluate([], exempt("shop-web"), { name: "shop-web" });
    expect(evaluation.findings.map((f) => f.ruleId)).toEqual(["ECS001"]);
    expect(evaluation.suppressed.map((s) => [s.finding.ruleId, s.by, s.reason])).toEqual([
      ["ECS002", "config exemption shop-web", "legacy image, OPS-12"],
    ]);
    // Without a family the subject is matched.
    expect(evaluate([], exempt("shop-web:7")).suppressed.map((s) => s.by)).toEqual([
      "config exemption shop-web:7",
    ]);
    // Another family, or another rule, exempts nothing.
    expect(evaluate([], exempt("shop-api"), { name: "shop-web" }).suppressed).toEqual([]);
    const otherRule = config({ exemptions: [{ family: "shop-*", rule: "ECS013", reason: "OPS-12" }] });
    expect(evaluate([], otherRule, { name: "shop-web" }).suppressed).toEqual([]);
  });

  it("exempts by the service's tag, and an inline reason wins over the config's, which wins over the tag", () => {
    const byTag = evaluate([], DEFAULT_CONFIG.policy, {
      extraExemptions: [{ ruleId: "ECS001", by: "service tag autopilot:policy-exempt" }],
    });
    expect(byTag.findings.map((f) => f.ruleId)).toEqual(["ECS002"]);
    expect(byTag.suppressed.map((s) => [s.finding.ruleId, s.by, s.reason])).toEqual([
      ["ECS001", "service tag autopilot:policy-exempt", "service tag"],
    ]);
    const all = evaluate(
      [{ ruleId: "ECS001", reason: "inline", source: "tags" }],
      config({
        exemptions: [
          { family: "shop-web", rule: "ECS001", reason: "config" },
          { family: "shop-web", rule: "ECS002", reason: "config" },
        ],
      }),
      {
        name: "shop-web",
        extraExemptions: [
          { ruleId: "ECS001", by: "tag" },
          { ruleId: "ECS002", by: "tag" },
        ],
      },
    );
    expect(all.suppressed.map((s) => [s.finding.ruleId, s.by, s.reason])).toEqual([
      ["ECS001", "tags", "inline"],
      ["ECS002", "config exemption shop-web", "config"],
    ]);
  });

  it("suppresses what a rule could not decide as it suppresses its findings", () => {
    const td = compliant();
    container(td).privileged = new Unknown("var.privileged");
    const run = (suppressions: Suppression[]) =>
      evaluateResource(
        { document: td, subject: "x", suppressions, run: RUN },
        DEFAULT_CONFIG.policy,
      ).unknown.map((u) => `${u.ruleId} ${u.path}`);
    expect(run([])).toEqual(["ECS001 containerDefinitions[0].privileged"]);
    expect(run([{ ruleId: "ECS001", reason: "privileged only in dev", source: "tags" }])).toEqual([]);
  });
});

describe("evaluateResource: an undecided rule is `invalid` only where a value has the wrong type", () => {
  const unknowns = (td: ReturnType<typeof compliant>, ...rules: string[]) =>
    evaluateResource({ document: td, subject: "x", suppressions: [], run: RUN }, DEFAULT_CONFIG.policy)
      .unknown.filter((u) => rules.includes(u.ruleId))
      .map((u) => `${u.ruleId} ${u.path}${u.invalid ? " invalid" : ""}`);

  it("a value not known in this input (a template's variable) is not invalid; a wrong type read is", () => {
    const later = compliant();
    container(later).privileged = new Unknown("var.privileged");
    expect(unknowns(later, "ECS001")).toEqual(["ECS001 containerDefinitions[0].privileged"]);
    const wrong = compliant();
    container(wrong).privileged = "TRUE";
    expect(unknowns(wrong, "ECS001")).toEqual(["ECS001 containerDefinitions[0].privileged invalid"]);
  });
});

describe("evaluateResource: what a result says of its resource", () => {
  it("places findings and unknown results where the file has them", () => {
    const td = twoFindings();
    container(td).user = new Unknown("var.user");
    const locations: Record<string, { line: number; column: number; file?: string }> = {
      "containerDefinitions.0.privileged": { line: 12, column: 7 },
      // container definitions Terraform reads with file(): another file than the resource's.
      "containerDefinitions.0.user": { line: 3, column: 5, file: "containers.json" },
    };
    const evaluation = evaluateResource(
      {
        document: td,
        subject: "aws_ecs_task_definition.web",
        suppressions: [],
        run: RUN,
        file: "main.tf",
        address: "aws_ecs_task_definition.web",
        locate: (path) => locations[path.join(".")],
      },
      DEFAULT_CONFIG.policy,
    );
    const at = (f: { ruleId: string; file?: string; location?: unknown }) => [f.ruleId, f.file, f.location];
    expect(evaluation.findings.map(at)).toEqual([
      ["ECS001", "main.tf", { line: 12, column: 7 }],
      ["ECS002", "main.tf", undefined],
    ]);
    expect(evaluation.findings[1]).not.toHaveProperty("location");
    expect(evaluation.unknown.filter((u) => u.ruleId === "ECS007").map(at)).toEqual([
      ["ECS007", "containers.json", { line: 3, column: 5 }],
    ]);
    expect(evaluation).toMatchObject({
      subject: "aws_ecs_task_definition.web",
      file: "main.tf",
      resourceType: "taskDefinition",
      address: "aws_ecs_task_definition.web",
    });
  });

  it("says nothing of a file, a location or an address the input does not have", () => {
    const evaluation = evaluate([]);
    expect(Object.keys(evaluation).sort()).toEqual([
      "findings",
      "resourceType",
      "subject",
      "suppressed",
      "unknown",
    ]);
    expect(evaluation.findings[0]).not.toHaveProperty("file");
    expect(evaluation.findings[0]).not.toHaveProperty("location");
  });

  it("reports a rule that could not decide a place once, whatever it read there", () => {
    const td = compliant();
    // ECS007 reads user for root and for uid 0: one unknown at the one place.
    container(td).user = new Unknown("var.user");
    const evaluation = evaluateResource(
      { document: td, subject: "x", suppressions: [], run: RUN },
      DEFAULT_CONFIG.policy,
    );
    expect(
      evaluation.unknown.filter((u) => u.ruleId === "ECS007").map((u) => `${u.path}: ${u.message}`),
    ).toEqual([
      "containerDefinitions[0].user: containerDefinitions[0].user is not known in this input (<var.user>)",
    ]);
  });
});

describe("evaluateResource: one unknown result per place", () => {
  it("lists unknown results by severity first, like findings", () => {
    const td = compliant();
    container(td).user = new Unknown("var.user");
    ((td.volumes as ResourceDoc[])[0]?.efsVolumeConfiguration as ResourceDoc).transitEncryption = new Unknown(
      "var.transit",
    );
    const evaluation = evaluateResource(
      { document: td, subject: "x", suppressions: [], run: RUN },
      DEFAULT_CONFIG.policy,
    );
    // ECS007 (medium) is checked before ECS009 (high); listed after it.
    expect(evaluation.unknown.map((u) => `${u.ruleId} ${u.severity} ${u.path}`)).toEqual([
      "ECS009 high volumes[0].efsVolumeConfiguration.transitEncryption",
      "ECS007 medium containerDefinitions[0].user",
    ]);
  });

  it("reports a related resource's unknown values once, at the field naming it", () => {
    // ECS034 on a production service whose cluster logs sessions to a log group and a bucket the
    // input names by variables: both are read, both are reported at `cluster`; the result says it once.
    const cluster = {
      clusterName: "prod",
      configuration: {
        executeCommandConfiguration: {
          logging: "OVERRIDE",
          logConfiguration: {
            cloudWatchLogGroupName: new Unknown("var.group"),
            s3BucketName: new Unknown("var.bucket"),
          },
        },
      },
    };
    const evaluation = evaluateResource(
      {
        document: { serviceName: "api", enableExecuteCommand: true },
        subject: "api",
        suppressions: [],
        run: {},
        resourceType: "service",
        related: { cluster },
      },
      DEFAULT_CONFIG.policy,
    );
    expect(
      evaluation.unknown.filter((u) => u.ruleId === "ECS034").map((u) => `${u.path}: ${u.message}`),
    ).toEqual([
      "cluster: the cluster's configuration.executeCommandConfiguration.logConfiguration.cloudWatchLogGroupName is not known in this input (<var.group>)",
    ]);
    expect(evaluation.resourceType).toBe("service");
  });
});

describe("evaluateTaskDefinition", () => {
  it("exempts by the family, and places findings in the task definition's file", () => {
    const evaluation = evaluateTaskDefinition(
      {
        taskDefinition: twoFindings(),
        subject: "shop-web:7",
        family: "shop-web",
        file: "taskdef.json",
        locate: (path) =>
          path.join(".") === "containerDefinitions.0.privileged" ? { line: 9, column: 3 } : undefined,
        suppressions: [],
        run: RUN,
      },
      config({ exemptions: [{ family: "shop-web", rule: "ECS002", reason: "OPS-12" }] }),
    );
    expect(evaluation.findings).toMatchObject([
      { ruleId: "ECS001", file: "taskdef.json", location: { line: 9, column: 3 } },
    ]);
    expect(evaluation.suppressed.map((s) => s.by)).toEqual(["config exemption shop-web"]);
    expect(evaluation.file).toBe("taskdef.json");
  });
});

describe("atOrAbove: the findings that reach a severity", () => {
  const finding = (ruleId: string, severity: Finding["severity"]): Finding => ({
    ruleId,
    title: ruleId,
    severity,
    message: "m",
    path: "p",
    subject: "s",
    remediation: "r",
  });
  const all = [finding("ECS011", "low"), finding("ECS002", "medium"), finding("ECS001", "high")];

  it("keeps the findings at the threshold and above", () => {
    const ids = (threshold: Finding["severity"]) => atOrAbove(all, threshold).map((f) => f.ruleId);
    expect(ids("high")).toEqual(["ECS001"]);
    expect(ids("medium")).toEqual(["ECS002", "ECS001"]);
    expect(ids("low")).toEqual(["ECS011", "ECS002", "ECS001"]);
  });
});

describe("evaluateRule: unknown values a rule reads", () => {
  /** A rule that reads what `read` reads and reports `violations`: the evaluator's side alone. */
  const rule = (
    read: (doc: ResourceDoc, run: RunContext, related: RelatedResources) => unknown,
    violations: Violation[] = [],
  ): PolicyRule => ({
    id: "ECS999",
    title: "test rule",
    severity: "high",
    rationale: "reads what the test says",
    remediation: "none",
    field: "containerDefinitions",
    mappings: {},
    check: (doc, { run, related }) => {
      read(doc, run, related);
      return violations;
    },
  });
  const outcome = (
    r: PolicyRule,
    document: ResourceDoc,
    context: { run?: RunContext; related?: RelatedResources } = {},
  ) => {
    const { violations, unknown } = evaluateRule(r, document, {
      params: {},
      run: context.run ?? {},
      related: context.related ?? {},
    });
    const at = (path: FieldPath) => path.map(String).join("/");
    return {
      violations: violations.map((v) => at(v.path)),
      unknown: unknown.map((u) => `${at(u.path)}: ${u.message}`),
    };
  };
  const containers = (...defs: ResourceDoc[]) => ({ containerDefinitions: defs });
  const c = (doc: ResourceDoc, i: number) => (doc.containerDefinitions as ResourceDoc[])[i] as ResourceDoc;

  it("names what the service says as the task definition's service, reported on the task definition as a whole", () => {
    const run: RunContext = {
      behindLoadBalancer: new Unknown("var.load_balancers"),
      region: new Unknown("var.region") as unknown as string,
    };
    expect(
      outcome(
        rule((_, r) => r.behindLoadBalancer),
        {},
        { run },
      ).unknown,
    ).toEqual([
      ": whether its service runs behind a load balancer is not known in this input (<var.load_balancers>)",
    ]);
    expect(
      outcome(
        rule((_, r) => r.region),
        {},
        { run },
      ).unknown,
    ).toEqual([": its region is not known in this input (<var.region>)"]);
  });

  it("names a related resource's value by the resource, reported at the field naming it", () => {
    const cluster = new Unknown("aws_ecs_cluster.main.arn", true);
    expect(
      outcome(
        rule((_, __, rel) => rel.cluster),
        {},
        { related: { cluster } },
      ).unknown,
    ).toEqual(["cluster: the cluster is not known in this input (<aws_ecs_cluster.main.arn>)"]);
    const taskDefinition = containers({ name: "web", logConfiguration: new Unknown("var.logging") });
    const readLogging = rule((_, __, rel) => c(rel.taskDefinition as ResourceDoc, 0).logConfiguration);
    expect(outcome(readLogging, {}, { related: { taskDefinition } }).unknown).toEqual([
      "taskDefinition: the task definition's containerDefinitions[0].logConfiguration is not known in this input (<var.logging>)",
    ]);
  });

  it("drops a violation in the element of an unknown value read, or below a top-level one, and keeps the others", () => {
    const doc = containers({ name: "a", user: new Unknown("var.user") }, { name: "b" });
    const atEach: Violation[] = [
      { path: ["containerDefinitions", 0, "privileged"], message: "a" },
      { path: ["containerDefinitions", 1, "privileged"], message: "b" },
    ];
    expect(
      outcome(
        rule((d) => c(d, 0).user, atEach),
        doc,
      ),
    ).toEqual({
      violations: ["containerDefinitions/1/privileged"],
      unknown: [
        "containerDefinitions/0/user: containerDefinitions[0].user is not known in this input (<var.user>)",
      ],
    });
    // A top-level value is in every element's parent.
    const top = { ...containers({ name: "a" }, { name: "b" }), executionRoleArn: new Unknown("var.role") };
    expect(
      outcome(
        rule((d) => d.executionRoleArn, atEach),
        top,
      ).violations,
    ).toEqual([]);
    // A list inside an element: another entry of the list is another element; the container is its parent.
    const env = containers({
      name: "a",
      user: new Unknown("var.user"),
      environment: [
        { name: "X", value: new Unknown("var.x") },
        { name: "Y", value: "y" },
      ],
    });
    const atEntry: Violation[] = [
      { path: ["containerDefinitions", 0, "environment", 1, "value"], message: "y" },
    ];
    const readEntry = (d: ResourceDoc) => (c(d, 0).environment as ResourceDoc[])[0]?.value;
    expect(outcome(rule(readEntry, atEntry), env).violations).toEqual([
      "containerDefinitions/0/environment/1/value",
    ]);
    expect(
      outcome(
        rule((d) => c(d, 0).user, atEntry),
        env,
      ).violations,
    ).toEqual([]);
  });

  it("lets what a rule says it could not decide cover the unknown values it read in that element only", () => {
    const doc = containers(
      { name: "a", user: new Unknown("var.user_a") },
      { name: "b", user: new Unknown("var.user_b") },
    );
    const said: Violation[] = [
      { path: ["containerDefinitions", 0, "user"], message: "user of 'a' not known", unknown: true },
    ];
    expect(
      outcome(
        rule((d) => [c(d, 0).user, c(d, 1).user], said),
        doc,
      ),
    ).toEqual({
      violations: [],
      unknown: [
        "containerDefinitions/0/user: user of 'a' not known",
        "containerDefinitions/1/user: containerDefinitions[1].user is not known in this input (<var.user_b>)",
      ],
    });
  });
});
