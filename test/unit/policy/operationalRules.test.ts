/**
 * The decisions of the operational rules (core/policy/rules/operationalRules.ts, ECS031–ECS037):
 * for each rule its id and severity, the finding's exact message and JSON path, and where a
 * threshold or list decides, both sides of it.
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

describe("ECS031 sensitive host path mounted", () => {
  /** A task whose containers (`app` unless named) mount one host path read-only at /host. */
  const mounting = (sourcePath: string, names = ["app"]): Json => ({
    ...td(
      ...names.map((name) => app({ name, mountPoints: [{ sourceVolume: "host", containerPath: "/host" }] })),
    ),
    volumes: [
      { name: "data", host: { sourcePath: "/srv/data" } },
      { name: "host", host: { sourcePath } },
    ],
  });
  const finding = (message: string) => [`ECS031 high volumes[1].host.sourcePath: ${message}`];

  it("every path of the default list is flagged when mounted, on the volume's sourcePath, naming the mounting containers", () => {
    for (const path of [
      "/",
      "/etc",
      "/proc",
      "/sys",
      "/dev",
      "/boot",
      "/root",
      "/var/run/docker.sock",
      "/run/docker.sock",
      "/var/run/containerd",
      "/run/containerd",
      "/var/lib/docker",
      "/var/lib/containerd",
    ])
      expect(decide("ECS031", mounting(path)), path).toEqual(
        finding(`host path ${path} (volume 'host') is mounted into 'app'`),
      );
    expect(decide("ECS031", mounting("/var/run/docker.sock", ["app", "log-router"]))).toEqual(
      finding("host path /var/run/docker.sock (volume 'host') is mounted into 'app', 'log-router'"),
    );
  });

  it("a path below a listed one is flagged; a sibling that only shares the prefix is not", () => {
    expect(decide("ECS031", mounting("/etc/ssl/certs"))).toEqual(
      finding("host path /etc/ssl/certs (volume 'host') is mounted into 'app'"),
    );
    expect(decide("ECS031", mounting("/etcetera"))).toEqual([]);
    expect(decide("ECS031", mounting("/var/run/docker.sock.d"))).toEqual([]);
    // `/` in the list is the host's root itself, not every path below it.
    expect(decide("ECS031", mounting("/srv/data"))).toEqual([]);
  });

  it("a directory that holds a listed path names it, with or without trailing slashes", () => {
    for (const path of ["/var/run", "/var/run/", "/var/run//"])
      expect(decide("ECS031", mounting(path)), path).toEqual(
        finding(`host path ${path} (volume 'host') is mounted into 'app': it holds /var/run/docker.sock`),
      );
    expect(decide("ECS031", mounting("/var/lib/"))).toEqual(
      finding("host path /var/lib/ (volume 'host') is mounted into 'app': it holds /var/lib/docker"),
    );
  });

  it("a path is read as the daemon mounts it: doubled slashes, `.` and `..` do not hide a listed path", () => {
    // Docker cleans a bind mount's source (moby volume/mounts/linux_parser.go, `path.Clean`).
    for (const [path, listed] of [
      ["/var/run//docker.sock", "/var/run/docker.sock"],
      ["/var/run/./docker.sock", "/var/run/docker.sock"],
      ["/var/lib/containerd/../docker", "/var/lib/docker"],
      ["//etc", "/etc"],
    ])
      expect(decide("ECS031", mounting(path ?? "")), `${path} is ${listed}`).toEqual(
        finding(`host path ${path} (volume 'host') is mounted into 'app'`),
      );
    expect(decide("ECS031", mounting("/srv/../var//run/."))).toEqual(
      finding(
        "host path /srv/../var//run/. (volume 'host') is mounted into 'app': it holds /var/run/docker.sock",
      ),
    );
    expect(decide("ECS031", mounting("/etc/../srv/data"))).toEqual([]);
  });

  it("the host's root holds every listed path, also when / itself is not listed", () => {
    const config = withParams("ECS031", { sensitivePaths: ["/var/run/docker.sock"] });
    expect(decide("ECS031", mounting("/"), { config })).toEqual(
      finding("host path / (volume 'host') is mounted into 'app': it holds /var/run/docker.sock"),
    );
    expect(decide("ECS031", mounting("//"), { config })).toEqual(
      finding("host path // (volume 'host') is mounted into 'app': it holds /var/run/docker.sock"),
    );
  });

  it("a volume no container mounts, or one without a host path or name, is not flagged", () => {
    expect(
      decide("ECS031", { ...td(app()), volumes: [{ name: "host", host: { sourcePath: "/etc" } }] }),
    ).toEqual([]);
    const mounted = app({ mountPoints: [{ sourceVolume: "host", containerPath: "/host" }] });
    expect(decide("ECS031", { ...td(mounted), volumes: [{ name: "host", host: {} }] })).toEqual([]);
    expect(decide("ECS031", { ...td(mounted), volumes: [{ name: "host" }] })).toEqual([]);
    expect(decide("ECS031", { ...td(mounted), volumes: [{ host: { sourcePath: "/etc" } }] })).toEqual([]);
  });

  it("sensitivePaths replaces the list: a path outside it passes, one below it is flagged", () => {
    const config = withParams("ECS031", { sensitivePaths: ["/data/secrets"] });
    expect(decide("ECS031", mounting("/var/run/docker.sock"), { config })).toEqual([]);
    expect(decide("ECS031", mounting("/data/secrets/db"), { config })).toEqual(
      finding("host path /data/secrets/db (volume 'host') is mounted into 'app'"),
    );
    expect(decide("ECS031", mounting("/data"), { config })).toEqual(
      finding("host path /data (volume 'host') is mounted into 'app': it holds /data/secrets"),
    );
  });
});

describe("ECS032 open-files limit too low for a server", () => {
  /** `app` listening on 8080 (unless `ports` is false) with its ulimits: `core` first, then `nofile`. */
  const nofile = (softLimit: unknown, ports = true) =>
    td(
      app({
        ...(ports ? { portMappings: [{ containerPort: 8080 }] } : {}),
        ulimits: [
          { name: "core", softLimit: 0, hardLimit: 0 },
          { name: "nofile", softLimit, hardLimit: 65535 },
        ],
      }),
    );

  it("the threshold is Fargate's default nofile limit, 65535 (ECS API reference, Ulimit): 65534 is below, 65535 is not", () => {
    expect(decide("ECS032", nofile(65534))).toEqual([
      "ECS032 medium containerDefinitions[0].ulimits[1].softLimit: container 'app' listens on ports with a nofile soft limit of 65534 (below 65535)",
    ]);
    expect(decide("ECS032", nofile(65535))).toEqual([]);
    expect(decide("ECS032", nofile(1024))).toEqual([
      "ECS032 medium containerDefinitions[0].ulimits[1].softLimit: container 'app' listens on ports with a nofile soft limit of 1024 (below 65535)",
    ]);
    // CloudFormation gives numbers as strings.
    expect(decide("ECS032", nofile("4096"))).toEqual([
      "ECS032 medium containerDefinitions[0].ulimits[1].softLimit: container 'app' listens on ports with a nofile soft limit of 4096 (below 65535)",
    ]);
  });

  it("other ulimits are not open files; a container without ports is not a server", () => {
    // The `core` limit of 0 is below any nofile threshold: only `nofile` is read.
    expect(decide("ECS032", nofile(65535))).toEqual([]);
    expect(decide("ECS032", nofile(1024, false))).toEqual([]);
  });

  it("minNofileSoftLimit moves the threshold: below it is flagged, at it passes", () => {
    const config = withParams("ECS032", { minNofileSoftLimit: 1024 });
    expect(decide("ECS032", nofile(1023), { config })).toEqual([
      "ECS032 medium containerDefinitions[0].ulimits[1].softLimit: container 'app' listens on ports with a nofile soft limit of 1023 (below 1024)",
    ]);
    expect(decide("ECS032", nofile(1024), { config })).toEqual([]);
    expect(decide("ECS032", nofile(4096), { config })).toEqual([]);
  });

  it("a soft limit not known in the input is unknown there, named", () => {
    expect(decide("ECS032", nofile(new Unknown("var.nofile")))).toEqual([
      "?ECS032 containerDefinitions[0].ulimits[1].softLimit: container 'app': nofile soft limit is <var.nofile>",
    ]);
  });
});

describe("ECS033 stop signal may not reach the application", () => {
  const DEFAULT_WAIT =
    "the default stop timeout (no stopTimeout: 30 s on Fargate; on EC2 the agent's ECS_CONTAINER_STOP_TIMEOUT, 30 s unless set)";
  const stopped = (path: string, count: number, through: string, wait = DEFAULT_WAIT) => [
    `ECS033 low containerDefinitions[0].${path}: container 'app' runs ${count} commands through '${through}' and does not exec the last: SIGTERM stops at the shell and the application is killed after ${wait}`,
  ];
  const cmd = (command: unknown[], extra: Json = {}) => td(app({ command, ...extra }));

  it("every shell running a script is read, by its name or its path", () => {
    for (const shell of ["sh", "bash", "ash", "dash", "zsh", "ksh", "/bin/sh", "/usr/bin/bash"])
      expect(decide("ECS033", cmd([shell, "-c", "./migrate; node server.js"])), shell).toEqual(
        stopped("command", 2, `${shell} -c`),
      );
    // Not a shell: its arguments are not a script.
    expect(decide("ECS033", cmd(["python3", "-c", "import a; import b"]))).toEqual([]);
  });

  it("-c may come with other options, together or apart; without -c the shell runs a file, not the words", () => {
    expect(decide("ECS033", cmd(["bash", "-ec", "./migrate; node server.js"]))).toEqual(
      stopped("command", 2, "bash -ec"),
    );
    expect(decide("ECS033", cmd(["bash", "-e", "-c", "./migrate; node server.js"]))).toEqual(
      stopped("command", 2, "bash -e"),
    );
    // bash -x runs the file named by the next word; so does bash with a script path first.
    expect(decide("ECS033", cmd(["bash", "-x", "./migrate; node server.js"]))).toEqual([]);
    expect(decide("ECS033", cmd(["bash", "/srv/cleanup.sh", "./migrate; node server.js"]))).toEqual([]);
    // `-c1` is not an option group (sh refuses it); `--check` is not a short option.
    expect(decide("ECS033", cmd(["sh", "-c1", "./migrate; node server.js"]))).toEqual([]);
    expect(decide("ECS033", cmd(["bash", "--check", "./migrate; node server.js"]))).toEqual([]);
    // -c without a script: nothing to read.
    expect(decide("ECS033", cmd(["sh", "-c"]))).toEqual([]);
  });

  it("only the last command decides: exec'd last passes whatever comes before; exec in the middle does not", () => {
    expect(decide("ECS033", cmd(["sh", "-c", "./migrate; ./warm; exec node server.js"]))).toEqual([]);
    expect(decide("ECS033", cmd(["sh", "-c", "./migrate; exec ./warm; node server.js"]))).toEqual(
      stopped("command", 3, "sh -c"),
    );
  });

  it("the finding is on entryPoint when the shell is there, else on command", () => {
    expect(
      decide("ECS033", td(app({ entryPoint: ["/bin/sh", "-c"], command: ["./migrate && node server.js"] }))),
    ).toEqual(stopped("entryPoint", 2, "/bin/sh -c"));
    expect(decide("ECS033", cmd(["/bin/sh", "-c", "./migrate && node server.js"]))).toEqual(
      stopped("command", 2, "/bin/sh -c"),
    );
  });

  it("an entryPoint or command not known in the input makes the rule unknown there, never a finding", () => {
    // A shell script in `command` behind an unknown entryPoint: the process may be anything.
    expect(
      decide(
        "ECS033",
        cmd(["sh", "-c", "./migrate; node server.js"], { entryPoint: new Unknown("var.entry") }),
      ),
    ).toEqual([
      "?ECS033 containerDefinitions[0].entryPoint: containerDefinitions[0].entryPoint is not known in this input (<var.entry>)",
    ]);
    expect(
      decide("ECS033", td(app({ entryPoint: ["sh", "-c"], command: new Unknown("var.command") }))),
    ).toEqual([
      "?ECS033 containerDefinitions[0].command: containerDefinitions[0].command is not known in this input (<var.command>)",
    ]);
  });

  it("a stopTimeout of null is no stopTimeout: the default wait is named", () => {
    expect(decide("ECS033", cmd(["sh", "-c", "./migrate; node server.js"], { stopTimeout: null }))).toEqual(
      stopped("command", 2, "sh -c"),
    );
    expect(decide("ECS033", cmd(["sh", "-c", "./migrate; node server.js"], { stopTimeout: 120 }))).toEqual(
      stopped("command", 2, "sh -c", "its stopTimeout of 120 s"),
    );
  });
});

describe("ECS035 secret from another account or region", () => {
  const ACCOUNT = "123456789012";
  const OTHER = "210987654321";
  const secretIn = (region: string, account = ACCOUNT) =>
    `arn:aws:secretsmanager:${region}:${account}:secret:db-AbCdEf`;

  it("the task's account and region come from its ARN when nothing else says", () => {
    const doc = (valueFrom: string) => ({
      ...td(app({ secrets: [{ name: "DB", valueFrom }] })),
      taskDefinitionArn: `arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/web:3`,
    });
    expect(decide("ECS035", doc(secretIn("eu-west-1")))).toEqual([]);
    expect(decide("ECS035", doc(secretIn("us-east-1")))).toEqual([
      `ECS035 medium containerDefinitions[0].secrets[0].valueFrom: secret ${secretIn("us-east-1")} is in region us-east-1 (the task's is eu-west-1)`,
    ]);
    const both = `arn:aws:ssm:us-east-1:${OTHER}:parameter/db`;
    expect(decide("ECS035", doc(both))).toEqual([
      `ECS035 medium containerDefinitions[0].secrets[0].valueFrom: parameter ${both} is in account ${OTHER} (the task's is ${ACCOUNT}) and region us-east-1 (the task's is eu-west-1)`,
    ]);
  });

  it("other partitions (aws-cn, aws-us-gov) are ARNs too: task, role and secret", () => {
    const cn = {
      ...td(
        app({
          secrets: [
            { name: "DB", valueFrom: `arn:aws-cn:secretsmanager:cn-northwest-1:${ACCOUNT}:secret:db` },
          ],
        }),
      ),
      taskDefinitionArn: `arn:aws-cn:ecs:cn-north-1:${ACCOUNT}:task-definition/web:3`,
    };
    expect(decide("ECS035", cn)).toEqual([
      `ECS035 medium containerDefinitions[0].secrets[0].valueFrom: secret arn:aws-cn:secretsmanager:cn-northwest-1:${ACCOUNT}:secret:db is in region cn-northwest-1 (the task's is cn-north-1)`,
    ]);
    const gov = {
      ...td(
        app({
          secrets: [{ name: "DB", valueFrom: `arn:aws-us-gov:ssm:us-gov-west-1:${OTHER}:parameter/db` }],
        }),
      ),
      executionRoleArn: `arn:aws-us-gov:iam::${ACCOUNT}:role/exec`,
    };
    expect(decide("ECS035", gov)).toEqual([
      `ECS035 medium containerDefinitions[0].secrets[0].valueFrom: parameter arn:aws-us-gov:ssm:us-gov-west-1:${OTHER}:parameter/db is in account ${OTHER} (the task's is ${ACCOUNT})`,
    ]);
  });

  it("log driver secret options and private registry credentials are secrets too, each on its own path", () => {
    const doc = td(
      app({
        logConfiguration: {
          logDriver: "splunk",
          secretOptions: [{ name: "splunk-token", valueFrom: secretIn("eu-west-1", OTHER) }],
        },
        repositoryCredentials: { credentialsParameter: secretIn("us-east-1") },
      }),
    );
    expect(decide("ECS035", doc, { run: { account: ACCOUNT, region: "eu-west-1" } })).toEqual([
      `ECS035 medium containerDefinitions[0].logConfiguration.secretOptions[0].valueFrom: secret ${secretIn("eu-west-1", OTHER)} is in account ${OTHER} (the task's is ${ACCOUNT})`,
      `ECS035 medium containerDefinitions[0].repositoryCredentials.credentialsParameter: secret ${secretIn("us-east-1")} is in region us-east-1 (the task's is eu-west-1)`,
    ]);
  });

  it("an ARN without a region says nothing about the region; text before `arn:` is not an ARN", () => {
    const run = { account: ACCOUNT, region: "eu-west-1" };
    const secret = (valueFrom: string, extra: Json = {}) => ({
      ...td(app({ secrets: [{ name: "DB", valueFrom }] })),
      ...extra,
    });
    expect(decide("ECS035", secret(`arn:aws:ssm::${ACCOUNT}:parameter/db`), { run })).toEqual([]);
    expect(decide("ECS035", secret(` ${secretIn("us-east-1", OTHER)}`), { run })).toEqual([]);
    // A task ARN or a role ARN with text before it says nothing about the task.
    expect(
      decide(
        "ECS035",
        secret(secretIn("us-east-1", OTHER), {
          taskDefinitionArn: ` arn:aws:ecs:eu-west-1:${ACCOUNT}:task-definition/web:3`,
        }),
      ),
    ).toEqual([]);
    expect(
      decide(
        "ECS035",
        secret(secretIn("us-east-1", OTHER), { executionRoleArn: ` arn:aws:iam::${ACCOUNT}:role/exec` }),
      ),
    ).toEqual([]);
  });

  it("an execution role not known in the input leaves the account unknown, unless the region already differs", () => {
    const secret = (valueFrom: string) => ({
      ...td(app({ secrets: [{ name: "DB", valueFrom }] })),
      executionRoleArn: new Unknown("var.execution_role_arn"),
    });
    const run = { region: "eu-west-1" };
    expect(decide("ECS035", secret(secretIn("eu-west-1", OTHER)), { run })).toEqual([
      "?ECS035 executionRoleArn: executionRoleArn is not known in this input (<var.execution_role_arn>)",
    ]);
    expect(decide("ECS035", secret(secretIn("us-east-1", OTHER)), { run })).toEqual([
      `ECS035 medium containerDefinitions[0].secrets[0].valueFrom: secret ${secretIn("us-east-1", OTHER)} is in region us-east-1 (the task's is eu-west-1)`,
    ]);
  });

  it("a task without secrets reads nothing else: an unknown ARN or role does not make it unknown", () => {
    expect(
      decide("ECS035", {
        ...td(app()),
        taskDefinitionArn: new Unknown("aws_ecs_task_definition.web.arn", true),
        executionRoleArn: new Unknown("var.execution_role_arn"),
      }),
    ).toEqual([]);
  });
});

describe("ECS036 essential containers not stated", () => {
  it("several containers none of which states `essential` (unset or null) are all essential: flagged on the list", () => {
    expect(decide("ECS036", td(app(), app({ name: "log-router" })))).toEqual([
      "ECS036 medium containerDefinitions: none of the 2 containers states 'essential': all are, and any one exiting stops the task",
    ]);
    expect(
      decide(
        "ECS036",
        td(app({ essential: null }), app({ name: "log-router", essential: null }), app({ name: "proxy" })),
      ),
    ).toEqual([
      "ECS036 medium containerDefinitions: none of the 3 containers states 'essential': all are, and any one exiting stops the task",
    ]);
  });

  it("every container essential: false is rejected by ECS: flagged on the list", () => {
    expect(decide("ECS036", td(app({ essential: false }), app({ name: "b", essential: "false" })))).toEqual([
      "ECS036 medium containerDefinitions: no container is essential: ECS requires at least one",
    ]);
  });

  it("one container stating it is enough: false beside an unset one passes (the unset one is essential)", () => {
    expect(decide("ECS036", td(app({ essential: false }), app({ name: "b" })))).toEqual([]);
    expect(decide("ECS036", td(app(), app({ name: "b", essential: true })))).toEqual([]);
  });

  it("no containers: nothing to say", () => {
    expect(decide("ECS036", td())).toEqual([]);
    expect(decide("ECS036", { family: "web" })).toEqual([]);
  });

  it("an essential not known in the input makes the rule unknown, never a finding", () => {
    expect(
      decide("ECS036", td(app({ essential: new Unknown("var.essential") }), app({ name: "b" }))),
    ).toEqual([
      "?ECS036 containerDefinitions[0].essential: containerDefinitions[0].essential is not known in this input (<var.essential>)",
    ]);
    expect(
      decide(
        "ECS036",
        td(app({ essential: new Unknown("var.essential") }), app({ name: "b", essential: false })),
      ),
    ).toEqual([
      "?ECS036 containerDefinitions[0].essential: containerDefinitions[0].essential is not known in this input (<var.essential>)",
    ]);
  });
});

describe("ECS037 shell health check on an image without a shell", () => {
  const health = (image: unknown, command: unknown[] = ["CMD-SHELL", "wget -q -O- localhost:8080/health"]) =>
    td(app({ image, healthCheck: { command } }));
  const noShell = (name: string) => [
    `ECS037 high containerDefinitions[0].healthCheck.command: container 'app': CMD-SHELL health check, but ${name} ships no shell`,
  ];

  it("a distroless image (its README: no shells) with a CMD-SHELL check is flagged, tagged or pinned by digest", () => {
    expect(decide("ECS037", health("gcr.io/distroless/base-debian12"))).toEqual(
      noShell("gcr.io/distroless/base-debian12"),
    );
    expect(decide("ECS037", health("gcr.io/distroless/nodejs22-debian12:nonroot"))).toEqual(
      noShell("gcr.io/distroless/nodejs22-debian12"),
    );
    expect(decide("ECS037", health(`gcr.io/distroless/static@sha256:${"d".repeat(64)}`))).toEqual(
      noShell("gcr.io/distroless/static"),
    );
  });

  it("debug variants have a shell; other images and the exec form are not flagged", () => {
    expect(decide("ECS037", health("gcr.io/distroless/base-debian12:debug"))).toEqual([]);
    expect(decide("ECS037", health("gcr.io/distroless/base-debian12:debug-nonroot"))).toEqual([]);
    expect(decide("ECS037", health("nginx:1.27"))).toEqual([]);
    expect(decide("ECS037", health("gcr.io/distroless/base-debian12", ["CMD", "/healthcheck"]))).toEqual([]);
  });

  it("shellLessImages: any of the globs matches", () => {
    const config = withParams("ECS037", { shellLessImages: ["gcr.io/distroless/*", "cgr.dev/chainguard/*"] });
    expect(decide("ECS037", health("cgr.dev/chainguard/static:latest"), { config })).toEqual(
      noShell("cgr.dev/chainguard/static"),
    );
    expect(decide("ECS037", health("gcr.io/distroless/static"), { config })).toEqual(
      noShell("gcr.io/distroless/static"),
    );
    expect(decide("ECS037", health("cgr.dev/chainguard/static:latest"))).toEqual([]);
  });

  it("an image not known in the input, or filled in later, is unknown on the image, named", () => {
    expect(decide("ECS037", health(new Unknown("var.image")))).toEqual([
      "?ECS037 containerDefinitions[0].image: CMD-SHELL health check, and the image <var.image> is not known in this input",
    ]);
    expect(decide("ECS037", health("{{ image }}"))).toEqual([
      "?ECS037 containerDefinitions[0].image: image '{{ image }}' is filled in later",
    ]);
  });
});
