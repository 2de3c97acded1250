/**
 * The decisions of the task-definition rules (core/policy/rules/taskDefinitionRules.ts,
 * ECS001–ECS020, ECS027, ECS028): for each rule its id and severity, the finding's exact message
 * and JSON path, both sides of every condition, every entry of its lists, and what it reports
 * where the input does not know a value.
 */
import { describe, expect, it } from "vitest";
import type { AutopilotConfig } from "../../../core/config/index.ts";
import { Unknown } from "../../../core/policy/index.ts";
import type { RunContext } from "../../../core/policy/types.ts";
import { decide as decideRule, type Json, withRule } from "./decideRule.ts";

/**
 * What one rule decided for a task definition: `ECSnnn severity path: message` for each finding,
 * `?ECSnnn path: message` for each place it could not decide.
 */
const decide = (
  ruleId: string,
  document: Json,
  options: { run?: RunContext; config?: AutopilotConfig } = {},
) => decideRule(ruleId, "taskDefinition", document, options);

/** A config that sets one rule's parameters. */
const withParams = (ruleId: string, params: Json): AutopilotConfig => withRule(ruleId, { params });

const td = (...containers: Json[]): Json => ({ family: "web", containerDefinitions: containers });
const app = (extra: Json = {}): Json => ({ name: "app", image: "nginx:1.27", ...extra });
const WINDOWS = { runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" } };

describe("ECS001 privileged container", () => {
  it("privileged: true (or the template string 'true') is flagged on the container that has it", () => {
    expect(decide("ECS001", td(app({ privileged: true })))).toEqual([
      "ECS001 high containerDefinitions[0].privileged: container 'app' runs privileged",
    ]);
    expect(decide("ECS001", td(app(), app({ name: "sidecar", privileged: "true" })))).toEqual([
      "ECS001 high containerDefinitions[1].privileged: container 'sidecar' runs privileged",
    ]);
  });

  it("false, 'false' or no privileged field passes", () => {
    for (const privileged of [false, "false", undefined])
      expect(decide("ECS001", td(app({ privileged }))), String(privileged)).toEqual([]);
  });
});

describe("ECS002 writable root filesystem", () => {
  const finding =
    "ECS002 medium containerDefinitions[0].readonlyRootFilesystem: container 'app' can write to its root filesystem";

  it("a Linux container without readonlyRootFilesystem, or with false, is flagged", () => {
    expect(decide("ECS002", td(app()))).toEqual([finding]);
    expect(decide("ECS002", td(app({ readonlyRootFilesystem: false })))).toEqual([finding]);
    expect(decide("ECS002", td(app({ readonlyRootFilesystem: "false" })))).toEqual([finding]);
  });

  it("true or 'true' passes; a Windows task is not checked (Windows has no read-only root)", () => {
    expect(decide("ECS002", td(app({ readonlyRootFilesystem: true })))).toEqual([]);
    expect(decide("ECS002", td(app({ readonlyRootFilesystem: "true" })))).toEqual([]);
    expect(decide("ECS002", { ...td(app()), ...WINDOWS })).toEqual([]);
  });

  it("a value not known in the input is unknown, not a finding", () => {
    expect(decide("ECS002", td(app({ readonlyRootFilesystem: new Unknown("var.read_only") })))).toEqual([
      "?ECS002 containerDefinitions[0].readonlyRootFilesystem: containerDefinitions[0].readonlyRootFilesystem is not known in this input (<var.read_only>)",
    ]);
  });
});

describe("ECS003 secret in a plain environment variable", () => {
  const env = (...environment: Json[]) => td(app({ environment }));
  const holds = (i: number, name: string, what: string) =>
    `ECS003 high containerDefinitions[0].environment[${i}].value: container 'app': ${name} holds ${what}`;
  const named = (i: number, name: string) =>
    `ECS003 high containerDefinitions[0].environment[${i}]: container 'app': ${name} looks like a secret and has a plain value`;

  it("a value shaped like a secret is flagged at the value whatever its name, with what it holds", () => {
    const values: Array<[string, string]> = [
      ["AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
      ["ASIAY34FZKBOKMUTVV7A", "an AWS access key id"],
      ["-----BEGIN RSA PRIVATE KEY-----\nMIIE", "a private key"],
      ["-----BEGIN PRIVATE KEY-----\nMIIE", "a private key"],
      ["-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl", "a private key"],
      [`ghp_${"a1B2".repeat(9)}`, "a GitHub token"],
      [`github_pat_${"x_Y9".repeat(10)}`, "a GitHub token"],
      ["xoxb-1234567890-abcdefghij", "a Slack token"],
      ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "a Stripe secret key"],
      [
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "a JSON Web Token",
      ],
      [`base64:${"A".repeat(43)}=`, "a base64 application key"],
      [`base64:${"A/b+".repeat(11)}`, "a base64 application key"],
      [`base64:${"A".repeat(42)}==`, "a base64 application key"],
    ];
    for (const [value, what] of values)
      expect(decide("ECS003", env({ name: "CONFIG", value })), value).toEqual([holds(0, "CONFIG", what)]);
    // The shape is said before the name: a secret-like name holding a key id holds a key id.
    expect(decide("ECS003", env({ name: "DB_PASSWORD", value: "AKIAIOSFODNN7EXAMPLE" }))).toEqual([
      holds(0, "DB_PASSWORD", "an AWS access key id"),
    ]);
  });

  it("a value that only starts like a secret, too short to be one, is not one", () => {
    for (const value of [
      "AKIA1",
      "ghp_a",
      "github_pat_a",
      "xoxb-1",
      "sk_live_1",
      "eyJa.eyJbbbbbbbbb.cccccccc",
      "eyJaaaaaaaaa.eyJb.cccccccc",
      "eyJaaaaaaaaa.eyJbbbbbbbbb.c",
      "base64:a",
      `base64:${"A".repeat(43)}=!`,
      `see base64:${"A".repeat(43)}=`,
    ])
      expect(decide("ECS003", env({ name: "CONFIG", value })), value).toEqual([]);
  });

  it("a secret-like name with a plain value is flagged at the entry, in any case and with or without separators", () => {
    for (const name of [
      "DB_PASSWORD",
      "db_password",
      "SMTP_PASS",
      "LDAP_PASSWD",
      "PASSPHRASE",
      "CLIENT_SECRET",
      "AWS_SECRET_ACCESS_KEY",
      "SESSION_TOKEN",
      "API_KEY",
      "API-KEY",
      "APIKEY",
      "PRIVATE_KEY",
      "PRIVATEKEY",
      "AWS_ACCESS_KEY_ID",
      "ACCESSKEY",
      "GOOGLE_APPLICATION_CREDENTIALS",
      "AUTH_KEY",
      "AUTHKEY",
      "SIGNING_KEY",
      "SIGNINGKEY",
      "MASTER_KEY",
      "MASTERKEY",
      "ECS_ENGINE_AUTH_DATA",
      "ecs_engine_auth_data",
      // The agent's registry credentials under another name are still the credentials.
      "OLD_ECS_ENGINE_AUTH_DATA",
    ])
      expect(decide("ECS003", env({ name, value: "hunter2" })), name).toEqual([named(0, name)]);
  });

  it("names that are not secret-like pass with any plain value", () => {
    for (const name of ["LOG_LEVEL", "API", "KEY", "PRIVATE", "ACCESS", "AUTH", "SIGNING", "MASTER", "PASTA"])
      expect(decide("ECS003", env({ name, value: "hunter2" })), name).toEqual([]);
  });

  it("references and placeholders are not secrets, blanks around them included", () => {
    for (const value of [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
      "${DB_PASSWORD}",
      "{{ db_password }}",
      "<password>",
      "changeme",
      "CHANGEME",
      "REPLACE",
      "REPLACE_ME",
      "arn:aws:ssm:eu-west-1:123456789012:parameter/db",
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
      "arn:aws-cn:ssm:cn-north-1:123456789012:parameter/db",
      "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db",
      "",
      "  <password>  ",
    ])
      expect(decide("ECS003", env({ name: "DB_PASSWORD", value })), value).toEqual([]);
    // Only a whole placeholder or reference: one inside a plain value is still plain.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
    for (const value of ["x${DB}", "changeme2", "arn:aws:iam::123456789012:role/db"])
      expect(decide("ECS003", env({ name: "DB_PASSWORD", value })), value).toEqual([named(0, "DB_PASSWORD")]);
  });

  it("an entry without a value passes; an entry without a name is named by its place", () => {
    expect(decide("ECS003", env({ name: "DB_PASSWORD" }))).toEqual([]);
    expect(
      decide("ECS003", env({ name: "LOG_LEVEL", value: "info" }, { value: "AKIAIOSFODNN7EXAMPLE" })),
    ).toEqual([holds(1, "environment[1]", "an AWS access key id")]);
  });

  it("every container's every entry is checked, each at its own path", () => {
    const document = td(
      app({ environment: [{ name: "A", value: "1" }] }),
      app({
        name: "worker",
        environment: [
          { name: "TOKEN", value: "abc" },
          { name: "B", value: "2" },
          { name: "C", value: "xoxp-1234567890-abc" },
        ],
      }),
    );
    expect(decide("ECS003", document)).toEqual([
      "ECS003 high containerDefinitions[1].environment[0]: container 'worker': TOKEN looks like a secret and has a plain value",
      "ECS003 high containerDefinitions[1].environment[2].value: container 'worker': C holds a Slack token",
    ]);
  });
});

describe("ECS004 no log configuration", () => {
  it("a container without logConfiguration is flagged", () => {
    expect(
      decide("ECS004", td(app({ logConfiguration: { logDriver: "awslogs" } }), app({ name: "b" }))),
    ).toEqual([
      "ECS004 medium containerDefinitions[1].logConfiguration: container 'b' has no log configuration",
    ]);
  });

  it("a logConfiguration without a log driver (missing, null or empty) is flagged at the driver", () => {
    for (const logConfiguration of [{}, { logDriver: null }, { logDriver: "" }, { options: { a: "b" } }])
      expect(decide("ECS004", td(app({ logConfiguration }))), JSON.stringify(logConfiguration)).toEqual([
        "ECS004 medium containerDefinitions[0].logConfiguration.logDriver: container 'app' has a log configuration without a log driver",
      ]);
  });

  it("any log driver passes; a configuration or driver not known in the input is unknown", () => {
    for (const logDriver of ["awslogs", "awsfirelens", "splunk"])
      expect(decide("ECS004", td(app({ logConfiguration: { logDriver } }))), logDriver).toEqual([]);
    expect(decide("ECS004", td(app({ logConfiguration: new Unknown("var.logging") })))).toEqual([
      "?ECS004 containerDefinitions[0].logConfiguration: containerDefinitions[0].logConfiguration is not known in this input (<var.logging>)",
    ]);
    expect(decide("ECS004", td(app({ logConfiguration: { logDriver: new Unknown("var.driver") } })))).toEqual(
      [
        "?ECS004 containerDefinitions[0].logConfiguration.logDriver: containerDefinitions[0].logConfiguration.logDriver is not known in this input (<var.driver>)",
      ],
    );
  });
});

describe("ECS005 host PID or IPC namespace", () => {
  it("pidMode and ipcMode host are each flagged at their field", () => {
    expect(decide("ECS005", { ...td(app()), pidMode: "host" })).toEqual([
      "ECS005 high pidMode: pidMode is host",
    ]);
    expect(decide("ECS005", { ...td(app()), ipcMode: "host" })).toEqual([
      "ECS005 high ipcMode: ipcMode is host",
    ]);
    expect(decide("ECS005", { ...td(app()), pidMode: "host", ipcMode: "host" })).toEqual([
      "ECS005 high ipcMode: ipcMode is host",
      "ECS005 high pidMode: pidMode is host",
    ]);
  });

  it("task, none or no mode passes", () => {
    expect(decide("ECS005", { ...td(app()), pidMode: "task", ipcMode: "none" })).toEqual([]);
    expect(decide("ECS005", td(app()))).toEqual([]);
  });
});

describe("ECS006 host network mode", () => {
  it("networkMode host is flagged; awsvpc, bridge or none passes", () => {
    expect(decide("ECS006", { ...td(app()), networkMode: "host" })).toEqual([
      "ECS006 high networkMode: networkMode is host",
    ]);
    for (const networkMode of ["awsvpc", "bridge", "none", undefined])
      expect(decide("ECS006", { ...td(app()), networkMode }), String(networkMode)).toEqual([]);
  });
});

describe("ECS007 runs as root", () => {
  it('uid 0 (0:0) is flagged at the user; no user is flagged as the image\'s root (root and "0": ruleDecisions.test.ts)', () => {
    expect(decide("ECS007", td(app({ user: "0:0" })))).toEqual([
      "ECS007 medium containerDefinitions[0].user: container 'app' runs as 0:0",
    ]);
    for (const user of [undefined, ""])
      expect(decide("ECS007", td(app({ user }))), String(user)).toEqual([
        "ECS007 medium containerDefinitions[0].user: container 'app' sets no user: it runs as the image's user, root by default",
      ]);
  });

  it("a user not known in the input is unknown; a Windows task is ECS027's", () => {
    expect(decide("ECS007", td(app({ user: new Unknown("var.user") })))).toEqual([
      "?ECS007 containerDefinitions[0].user: containerDefinitions[0].user is not known in this input (<var.user>)",
    ]);
    expect(decide("ECS007", { ...td(app({ user: "root" })), ...WINDOWS })).toEqual([]);
  });
});

describe("ECS009 EFS volume without transit encryption", () => {
  const efs = (efsVolumeConfiguration: unknown, volume: Json = { name: "uploads" }) => ({
    ...td(app()),
    volumes: [
      { name: "cache", host: {} },
      { ...volume, efsVolumeConfiguration },
    ],
  });

  it("an EFS volume without transit encryption, or with it DISABLED, is flagged at the setting", () => {
    const finding =
      "ECS009 high volumes[1].efsVolumeConfiguration.transitEncryption: EFS volume 'uploads' has no transit encryption";
    expect(decide("ECS009", efs({ fileSystemId: "fs-1" }))).toEqual([finding]);
    expect(decide("ECS009", efs({ fileSystemId: "fs-1", transitEncryption: "DISABLED" }))).toEqual([finding]);
  });

  it("a volume without a name is named by its place", () => {
    expect(decide("ECS009", efs({ fileSystemId: "fs-1" }, {}))).toEqual([
      "ECS009 high volumes[1].efsVolumeConfiguration.transitEncryption: EFS volume '#1' has no transit encryption",
    ]);
  });

  it("ENABLED, a volume that is not EFS, or no volumes pass; an unknown setting is unknown", () => {
    expect(decide("ECS009", efs({ fileSystemId: "fs-1", transitEncryption: "ENABLED" }))).toEqual([]);
    expect(
      decide("ECS009", { ...td(app()), volumes: [{ name: "cache", host: { sourcePath: "/x" } }] }),
    ).toEqual([]);
    expect(decide("ECS009", td(app()))).toEqual([]);
    expect(
      decide("ECS009", efs({ fileSystemId: "fs-1", transitEncryption: new Unknown("var.tls") })),
    ).toEqual([
      "?ECS009 volumes[1].efsVolumeConfiguration.transitEncryption: volumes[1].efsVolumeConfiguration.transitEncryption is not known in this input (<var.tls>)",
    ]);
  });
});

describe("ECS010 no hard memory limit", () => {
  it("without a task memory, each container without its own memory is flagged", () => {
    expect(decide("ECS010", td(app({ memory: 512 }), app({ name: "b", memoryReservation: 256 })))).toEqual([
      "ECS010 medium containerDefinitions[1].memory: container 'b' has no hard memory limit and the task none either",
    ]);
  });

  it("a task memory, or a memory on every container, passes", () => {
    expect(decide("ECS010", { ...td(app(), app({ name: "b" })), memory: "1 GB" })).toEqual([]);
    expect(decide("ECS010", td(app({ memory: 512 }), app({ name: "b", memory: "256" })))).toEqual([]);
  });

  it("a task or container memory not known in the input is unknown, said where", () => {
    expect(decide("ECS010", { ...td(app()), memory: new Unknown("var.memory") })).toEqual([
      "?ECS010 memory: container 'app': memory limits are not known in this input",
    ]);
    expect(decide("ECS010", td(app({ memory: new Unknown("var.app_memory") })))).toEqual([
      "?ECS010 containerDefinitions[0].memory: container 'app': memory limits are not known in this input",
    ]);
  });
});

describe("ECS011 network mode is not awsvpc", () => {
  it("bridge, none or no mode (bridge on EC2) is flagged, naming the mode", () => {
    expect(decide("ECS011", { ...td(app()), networkMode: "bridge" })).toEqual([
      "ECS011 low networkMode: networkMode is bridge",
    ]);
    expect(decide("ECS011", { ...td(app()), networkMode: "none" })).toEqual([
      "ECS011 low networkMode: networkMode is none",
    ]);
    expect(decide("ECS011", td(app()))).toEqual([
      "ECS011 low networkMode: networkMode is not set (bridge on EC2)",
    ]);
  });

  it("awsvpc passes, host is ECS006's; a mode not known in the input is unknown", () => {
    expect(decide("ECS011", { ...td(app()), networkMode: "awsvpc" })).toEqual([]);
    expect(decide("ECS011", { ...td(app()), networkMode: "host" })).toEqual([]);
    expect(decide("ECS011", { ...td(app()), networkMode: new Unknown("var.mode") })).toEqual([
      "?ECS011 networkMode: networkMode is not known in this input (<var.mode>)",
    ]);
  });
});

describe("ECS012 task role equals execution role", () => {
  const ROLE = "arn:aws:iam::123456789012:role/web";
  const roles = (taskRoleArn: unknown, executionRoleArn: unknown) => ({
    ...td(app()),
    taskRoleArn,
    executionRoleArn,
  });

  it("the same role twice is flagged at the task role; two roles, one role or none pass", () => {
    expect(decide("ECS012", roles(ROLE, ROLE))).toEqual([
      `ECS012 medium taskRoleArn: task role and execution role are both ${ROLE}`,
    ]);
    expect(decide("ECS012", roles(ROLE, "arn:aws:iam::123456789012:role/web-execution"))).toEqual([]);
    expect(decide("ECS012", roles(undefined, ROLE))).toEqual([]);
    expect(decide("ECS012", roles(ROLE, undefined))).toEqual([]);
    expect(decide("ECS012", roles(undefined, undefined))).toEqual([]);
    expect(decide("ECS012", roles("", ""))).toEqual([]);
  });

  it("references compare by the resource they name: the same one is one role, two are two roles", () => {
    const ref = (name: string) => new Unknown(name, true);
    expect(decide("ECS012", roles(ref("Role.Arn"), ref("Role.Arn")))).toEqual([
      "ECS012 medium taskRoleArn: task role and execution role are both <Role.Arn>",
    ]);
    expect(decide("ECS012", roles(ref("TaskRole.Arn"), ref("ExecutionRole.Arn")))).toEqual([]);
  });

  it("a role not known in the input and no other role (missing, null or empty) is decided: not the same", () => {
    for (const none of [undefined, null, ""]) {
      expect(decide("ECS012", roles(new Unknown("var.task_role"), none)), String(none)).toEqual([]);
      expect(decide("ECS012", roles(none, new Unknown("var.execution_role"))), String(none)).toEqual([]);
    }
  });

  it("variables, or a variable and a reference, may or may not be one role: unknown", () => {
    const unknownAt = (path: string, value: string) =>
      `?ECS012 ${path}: ${path} is not known in this input (<${value}>)`;
    expect(decide("ECS012", roles(new Unknown("var.task"), new Unknown("var.execution")))).toEqual([
      unknownAt("executionRoleArn", "var.execution"),
      unknownAt("taskRoleArn", "var.task"),
    ]);
    expect(decide("ECS012", roles(new Unknown("var.task"), new Unknown("Role.Arn", true)))).toEqual([
      unknownAt("executionRoleArn", "Role.Arn"),
      unknownAt("taskRoleArn", "var.task"),
    ]);
    expect(decide("ECS012", roles(new Unknown("Role.Arn", true), new Unknown("var.execution")))).toEqual([
      unknownAt("executionRoleArn", "var.execution"),
      unknownAt("taskRoleArn", "Role.Arn"),
    ]);
    expect(decide("ECS012", roles(new Unknown("var.task"), ROLE))).toEqual([
      unknownAt("taskRoleArn", "var.task"),
    ]);
  });
});

describe("ECS013 image not pinned", () => {
  const image = (value: unknown) => td(app({ image: value }));

  it("every moving tag of the default list is flagged at the image", () => {
    for (const tag of [
      "latest",
      "main",
      "master",
      "develop",
      "dev",
      "stable",
      "edge",
      "nightly",
      "prod",
      "production",
      "staging",
      "test",
    ])
      expect(decide("ECS013", image(`nginx:${tag}`)), tag).toEqual([
        `ECS013 medium containerDefinitions[0].image: container 'app': tag '${tag}' moves`,
      ]);
  });

  it("no tag means latest; a version tag or a digest passes", () => {
    expect(decide("ECS013", image("ghcr.io/acme/web"))).toEqual([
      "ECS013 medium containerDefinitions[0].image: container 'app': image 'ghcr.io/acme/web' has no tag (means latest)",
    ]);
    expect(decide("ECS013", image("nginx:1.27"))).toEqual([]);
    expect(decide("ECS013", image(`nginx@sha256:${"a".repeat(64)}`))).toEqual([]);
    expect(decide("ECS013", image(`nginx:latest@sha256:${"a".repeat(64)}`))).toEqual([]);
  });

  it("an image a CI job fills in is unknown; no image, or one that is not an image reference, is not this rule's", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
    for (const placeholder of ["${IMAGE}", "{{ image }}", "REPLACE_ME"])
      expect(decide("ECS013", image(placeholder)), placeholder).toEqual([
        `?ECS013 containerDefinitions[0].image: image '${placeholder}' is filled in later`,
      ]);
    expect(decide("ECS013", td({ name: "app" }))).toEqual([]);
    expect(decide("ECS013", image(""))).toEqual([]);
    expect(decide("ECS013", image("not an image"))).toEqual([]);
  });

  it("mutableTags replaces the list", () => {
    const config = withParams("ECS013", { mutableTags: ["canary"] });
    expect(decide("ECS013", image("nginx:canary"), { config })).toEqual([
      "ECS013 medium containerDefinitions[0].image: container 'app': tag 'canary' moves",
    ]);
    expect(decide("ECS013", image("nginx:latest"), { config })).toEqual([]);
  });
});

describe("ECS014 image from a registry outside the allow-list", () => {
  const image = (value: unknown) => td(app({ image: value }));

  it("ECR (commercial and China regions) and ECR Public are allowed by default", () => {
    for (const allowed of [
      "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.0",
      "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/shop/web:1.0",
      "public.ecr.aws/nginx/nginx:1.27",
    ])
      expect(decide("ECS014", image(allowed)), allowed).toEqual([]);
  });

  it("any other registry, Docker Hub included, is flagged at the image, naming the registry", () => {
    expect(decide("ECS014", image("ghcr.io/acme/web:1.0"))).toEqual([
      "ECS014 high containerDefinitions[0].image: container 'app': registry 'ghcr.io' is not allowed",
    ]);
    expect(decide("ECS014", image("nginx:1.27"))).toEqual([
      "ECS014 high containerDefinitions[0].image: container 'app': registry 'docker.io' is not allowed",
    ]);
  });

  it("allowedRegistries replaces the list", () => {
    const config = withParams("ECS014", { allowedRegistries: ["ghcr.io", "*.example.com"] });
    expect(decide("ECS014", image("ghcr.io/acme/web:1.0"), { config })).toEqual([]);
    expect(decide("ECS014", image("registry.example.com/web:1.0"), { config })).toEqual([]);
    expect(decide("ECS014", image("public.ecr.aws/nginx/nginx:1.27"), { config })).toEqual([
      "ECS014 high containerDefinitions[0].image: container 'app': registry 'public.ecr.aws' is not allowed",
    ]);
  });

  it("an image a CI job fills in is unknown; no image, or one that is not an image reference, is not this rule's", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
    expect(decide("ECS014", image("${REGISTRY}/web:1.0"))).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, literally
      "?ECS014 containerDefinitions[0].image: image '${REGISTRY}/web:1.0' is filled in later",
    ]);
    expect(decide("ECS014", td({ name: "app" }))).toEqual([]);
    expect(decide("ECS014", image("not an image"))).toEqual([]);
  });
});

describe("ECS015 dangerous Linux capability added", () => {
  const adding = (...add: unknown[]) => td(app({ linuxParameters: { capabilities: { add } } }));

  it("every capability of the default list is flagged at its place in add", () => {
    for (const cap of [
      "ALL",
      "SYS_ADMIN",
      "NET_ADMIN",
      "SYS_PTRACE",
      "SYS_MODULE",
      "SYS_RAWIO",
      "DAC_READ_SEARCH",
      "SYS_BOOT",
      "NET_RAW",
    ])
      expect(decide("ECS015", adding("CHOWN", cap)), cap).toEqual([
        `ECS015 high containerDefinitions[0].linuxParameters.capabilities.add[1]: container 'app' adds ${cap}`,
      ]);
  });

  it("the CAP_ prefix and the case do not matter; the capability is named as written", () => {
    expect(decide("ECS015", adding("CAP_SYS_ADMIN", "net_admin"))).toEqual([
      "ECS015 high containerDefinitions[0].linuxParameters.capabilities.add[0]: container 'app' adds CAP_SYS_ADMIN",
      "ECS015 high containerDefinitions[0].linuxParameters.capabilities.add[1]: container 'app' adds net_admin",
    ]);
  });
  it("takes CAP_ off the front only: a name with CAP_ inside it (from a Terraform or CloudFormation file) is not SYS_ADMIN", () => {
    expect(decide("ECS015", adding("SYS_CAP_ADMIN"))).toEqual([]);
  });

  it("harmless capabilities, or none added, pass", () => {
    expect(decide("ECS015", adding("NET_BIND_SERVICE", "CHOWN"))).toEqual([]);
    expect(decide("ECS015", td(app({ linuxParameters: { capabilities: { drop: ["ALL"] } } })))).toEqual([]);
    expect(decide("ECS015", td(app()))).toEqual([]);
  });

  it("dangerous replaces the list", () => {
    const config = withParams("ECS015", { dangerous: ["NET_BIND_SERVICE"] });
    expect(decide("ECS015", adding("SYS_ADMIN", "NET_BIND_SERVICE"), { config })).toEqual([
      "ECS015 high containerDefinitions[0].linuxParameters.capabilities.add[1]: container 'app' adds NET_BIND_SERVICE",
    ]);
  });
});

describe("ECS016 no capabilities dropped", () => {
  const finding = "ECS016 low containerDefinitions[0].linuxParameters: container 'app' drops no capabilities";

  it("no linuxParameters, no capabilities, or an empty drop list is flagged", () => {
    expect(decide("ECS016", td(app()))).toEqual([finding]);
    expect(decide("ECS016", td(app({ linuxParameters: {} })))).toEqual([finding]);
    expect(decide("ECS016", td(app({ linuxParameters: { capabilities: { drop: [] } } })))).toEqual([finding]);
  });

  it("dropping any capability passes; a drop list not known in the input is unknown", () => {
    expect(decide("ECS016", td(app({ linuxParameters: { capabilities: { drop: ["NET_RAW"] } } })))).toEqual(
      [],
    );
    expect(
      decide("ECS016", td(app({ linuxParameters: { capabilities: { drop: new Unknown("var.drop") } } }))),
    ).toEqual([
      "?ECS016 containerDefinitions[0].linuxParameters.capabilities.drop: containerDefinitions[0].linuxParameters.capabilities.drop is not known in this input (<var.drop>)",
    ]);
  });
});

describe("ECS017 secrets without an execution role", () => {
  const secret = { name: "DB", valueFrom: "arn:aws:ssm:eu-west-1:123456789012:parameter/db" };

  it("a container with secrets and no execution role is flagged at its secrets", () => {
    expect(decide("ECS017", td(app(), app({ name: "b", secrets: [secret] })))).toEqual([
      "ECS017 high containerDefinitions[1].secrets: container 'b' references secrets but the task has no execution role",
    ]);
    expect(decide("ECS017", { ...td(app({ secrets: [secret] })), executionRoleArn: "" })).toEqual([
      "ECS017 high containerDefinitions[0].secrets: container 'app' references secrets but the task has no execution role",
    ]);
  });

  it("private registry credentials need the execution role too, and are flagged where they are", () => {
    expect(
      decide(
        "ECS017",
        td(app({ repositoryCredentials: { credentialsParameter: "arn:aws:secretsmanager:x" } })),
      ),
    ).toEqual([
      "ECS017 high containerDefinitions[0].repositoryCredentials: container 'app' references private registry credentials but the task has no execution role",
    ]);
  });

  it("an execution role, or no secrets, passes; a role by reference is there, a role by variable is unknown", () => {
    expect(
      decide("ECS017", { ...td(app({ secrets: [secret] })), executionRoleArn: "arn:aws:iam::1:role/x" }),
    ).toEqual([]);
    expect(decide("ECS017", td(app({ secrets: [] })))).toEqual([]);
    expect(
      decide("ECS017", {
        ...td(app({ secrets: [secret] })),
        executionRoleArn: new Unknown("Role.Arn", true),
      }),
    ).toEqual([]);
    expect(
      decide("ECS017", { ...td(app({ secrets: [secret] })), executionRoleArn: new Unknown("var.role") }),
    ).toEqual(["?ECS017 executionRoleArn: executionRoleArn is not known in this input (<var.role>)"]);
  });
});

describe("ECS018 not a valid Fargate size", () => {
  const fargate = (cpu: unknown, memory: unknown) => ({
    ...td(app()),
    requiresCompatibilities: ["FARGATE"],
    cpu,
    memory,
  });

  it("a CPU outside the table is flagged at cpu, listing the sizes", () => {
    expect(decide("ECS018", fargate("3072", "8192"))).toEqual([
      "ECS018 high cpu: 3072 CPU units is not a Fargate size (256, 512, 1024, 2048, 4096, 8192, 16384)",
    ]);
  });

  it("a memory the CPU does not allow is flagged at memory, with the CPU's range", () => {
    expect(decide("ECS018", fargate("256", "3072"))).toEqual([
      "ECS018 high memory: 3072 MiB is not valid with 256 CPU units (512-2048 MiB)",
    ]);
    expect(decide("ECS018", fargate("1 vCPU", "1 GB"))).toEqual([
      "ECS018 high memory: 1024 MiB is not valid with 1024 CPU units (2048-8192 MiB)",
    ]);
  });

  it("Fargate without a task-level cpu or memory is flagged", () => {
    for (const [cpu, memory] of [
      [undefined, "512"],
      ["256", undefined],
      [undefined, undefined],
    ])
      expect(decide("ECS018", fargate(cpu, memory)), `${cpu}/${memory}`).toEqual([
        "ECS018 high cpu: Fargate needs task-level cpu and memory",
      ]);
  });

  it("a size from the table passes; EC2 tasks are not checked", () => {
    expect(decide("ECS018", fargate("256", "512"))).toEqual([]);
    expect(decide("ECS018", { ...fargate("3072", "100"), requiresCompatibilities: ["EC2"] })).toEqual([]);
    expect(decide("ECS018", { ...td(app()), cpu: "3072" })).toEqual([]);
  });

  it("a size not known in the input is unknown, at the field not known", () => {
    expect(decide("ECS018", fargate(new Unknown("var.cpu"), "512"))).toEqual([
      "?ECS018 cpu: task size <var.cpu>/512 is not known in this input",
    ]);
    expect(decide("ECS018", fargate("256", new Unknown("var.memory")))).toEqual([
      "?ECS018 memory: task size 256/<var.memory> is not known in this input",
    ]);
  });
});

describe("ECS019 no health check behind a load balancer", () => {
  it("behind a load balancer, an essential container without a health check is flagged at healthCheck", () => {
    expect(
      decide("ECS019", td(app({ essential: "true" }), app({ name: "b", essential: false })), {
        run: { behindLoadBalancer: true },
      }),
    ).toEqual([
      "ECS019 medium containerDefinitions[0].healthCheck: essential container 'app' has no health check and the service is behind a load balancer",
    ]);
  });

  it("whether the service is behind a load balancer not known: unknown, naming what is not known", () => {
    expect(decide("ECS019", td(app()), { run: { behindLoadBalancer: new Unknown("var.lbs") } })).toEqual([
      "?ECS019 containerDefinitions[0].healthCheck: container 'app' has no health check, and whether its service runs behind a load balancer is not known in this input (<var.lbs>)",
    ]);
    expect(
      decide("ECS019", td(app({ healthCheck: { command: ["CMD", "/health"] } })), {
        run: { behindLoadBalancer: new Unknown("var.lbs") },
      }),
    ).toEqual([]);
  });
});

describe("ECS020 container memory above task memory", () => {
  it("containers' limits adding up to more than the task's memory are flagged at memory, with both figures", () => {
    expect(
      decide("ECS020", { ...td(app({ memory: 256 }), app({ name: "b", memory: "512" })), memory: "512" }),
    ).toEqual(["ECS020 high memory: containers' memory limits add up to 768 MiB, the task has 512 MiB"]);
  });

  it("limits adding up to the task's memory or less pass; a container without a limit counts 0", () => {
    expect(
      decide("ECS020", { ...td(app({ memory: 256 }), app({ name: "b", memory: 256 })), memory: "512" }),
    ).toEqual([]);
    expect(decide("ECS020", { ...td(app({ memory: 256 }), app({ name: "b" })), memory: "0.5 GB" })).toEqual(
      [],
    );
  });

  it("no task memory (missing, null or not a size) is not this rule's, not even with a container's memory unknown", () => {
    const unknownContainer = app({ memory: new Unknown("var.memory") });
    expect(decide("ECS020", td(unknownContainer))).toEqual([]);
    expect(decide("ECS020", { ...td(unknownContainer), memory: null })).toEqual([]);
    expect(decide("ECS020", { ...td(app({ memory: 1024 })), memory: "lots" })).toEqual([]);
  });

  it("a task or any container memory not known in the input is unknown", () => {
    const unknown = "?ECS020 memory: task or container memory is not known in this input";
    expect(decide("ECS020", { ...td(app({ memory: 256 })), memory: new Unknown("var.memory") })).toEqual([
      unknown,
    ]);
    expect(
      decide("ECS020", {
        ...td(app({ memory: 256 }), app({ name: "b", memory: new Unknown("var.b") })),
        memory: "512",
      }),
    ).toEqual([unknown]);
  });
});

describe("ECS027 Windows container runs as administrator", () => {
  const windows = (user: unknown) => ({ ...td(app({ user })), ...WINDOWS });

  it("ContainerAdministrator, in any case, is flagged at the user", () => {
    for (const user of ["ContainerAdministrator", "containeradministrator", "CONTAINERADMINISTRATOR"])
      expect(decide("ECS027", windows(user)), user).toEqual([
        `ECS027 medium containerDefinitions[0].user: Windows container 'app' runs as ${user}`,
      ]);
  });

  it("no user is flagged as the image's administrator; another user passes", () => {
    for (const user of [undefined, ""])
      expect(decide("ECS027", windows(user)), String(user)).toEqual([
        "ECS027 medium containerDefinitions[0].user: Windows container 'app' sets no user: it runs as the image's user, ContainerAdministrator by default",
      ]);
    expect(decide("ECS027", windows("ContainerUser"))).toEqual([]);
  });

  it("a user not known in the input is unknown; a Linux task is ECS007's", () => {
    expect(decide("ECS027", windows(new Unknown("var.user")))).toEqual([
      "?ECS027 containerDefinitions[0].user: containerDefinitions[0].user is not known in this input (<var.user>)",
    ]);
    expect(decide("ECS027", td(app({ user: "ContainerAdministrator" })))).toEqual([]);
  });
});

describe("ECS028 task definition not tagged (off by default)", () => {
  const on = withRule("ECS028", { enabled: true });

  it("is off unless turned on", () => {
    expect(decide("ECS028", td(app()))).toEqual([]);
  });

  it("turned on: no tags, or only aws: tags, is flagged at tags; any tag passes", () => {
    expect(decide("ECS028", td(app()), { config: on })).toEqual([
      "ECS028 low tags: the task definition has no tags",
    ]);
    expect(
      decide(
        "ECS028",
        { ...td(app()), tags: [{ key: "aws:cloudformation:stack-name", value: "x" }] },
        { config: on },
      ),
    ).toEqual(["ECS028 low tags: the task definition has no tags"]);
    expect(
      decide("ECS028", { ...td(app()), tags: [{ key: "team", value: "shop" }] }, { config: on }),
    ).toEqual([]);
  });

  it("with requiredTagKeys, names the keys missing", () => {
    const config = withRule("ECS028", {
      enabled: true,
      params: { requiredTagKeys: ["team", "cost-center"] },
    });
    expect(decide("ECS028", { ...td(app()), tags: [{ key: "team", value: "shop" }] }, { config })).toEqual([
      "ECS028 low tags: the task definition lacks the tag cost-center",
    ]);
  });
});
