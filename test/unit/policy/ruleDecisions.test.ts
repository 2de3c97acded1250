import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../core/config/index.ts";
import { evaluateResource, type ResourceKind, Unknown } from "../../../core/policy/index.ts";
import { loadPolicyFile } from "../../../core/policy/loadPolicyFile.ts";
import { shellCommands } from "../../../core/policy/rules/shellCommands.ts";
import type { RelatedResources, RunContext } from "../../../core/policy/types.ts";

const FIXTURES = resolve(import.meta.dirname, "..", "..", "fixtures", "policy");

type Json = Record<string, unknown>;

/** `ruleId message` of each finding and `?ruleId` of each unknown of one rule, for a document. */
function decide(
  ruleId: string,
  kind: ResourceKind,
  document: Json,
  options: { related?: RelatedResources; run?: RunContext } = {},
): string[] {
  const evaluation = evaluateResource(
    {
      document,
      subject: "x",
      suppressions: [],
      run: options.run ?? {},
      resourceType: kind,
      related: options.related ?? {},
    },
    DEFAULT_CONFIG.policy,
  );
  return [
    ...evaluation.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.ruleId} ${f.message}`),
    ...evaluation.unknown.filter((u) => u.ruleId === ruleId).map((u) => `?${u.ruleId}`),
  ];
}
const td = (...containers: Json[]): Json => ({ family: "t", containerDefinitions: containers });
const app = (extra: Json = {}): Json => ({ name: "app", image: "nginx:1.27", ...extra });

describe("rule decisions beyond one failing case", () => {
  it("ECS031: the socket read-only is still the runtime; /etc read-only still leaks; a data path or an unmounted volume is fine", () => {
    const withVolume = (sourcePath: string, mounted = true) => ({
      ...td(
        app(mounted ? { mountPoints: [{ sourceVolume: "v", containerPath: "/x", readOnly: true }] } : {}),
      ),
      volumes: [{ name: "v", host: { sourcePath } }],
    });
    expect(decide("ECS031", "taskDefinition", withVolume("/run/docker.sock"))).toEqual([
      "ECS031 host path /run/docker.sock (volume 'v') is mounted into 'app'",
    ]);
    expect(decide("ECS031", "taskDefinition", withVolume("/etc/"))).toEqual([
      "ECS031 host path /etc/ (volume 'v') is mounted into 'app'",
    ]);
    expect(decide("ECS031", "taskDefinition", withVolume("/srv/data"))).toEqual([]);
    expect(decide("ECS031", "taskDefinition", withVolume("/var/run/docker.sock", false))).toEqual([]);
  });

  it("ECS031: a directory that holds the runtime's socket or data (/var/run, /run, /var/lib) is flagged like the socket, on its line", async () => {
    const [resource] = await loadPolicyFile(resolve(FIXTURES, "host-paths.json"));
    if (!resource) throw new Error("host-paths.json holds a task definition");
    const found = evaluateResource(resource, DEFAULT_CONFIG.policy)
      .findings.filter((f) => f.ruleId === "ECS031")
      .map((f) => `${f.path} @${f.location?.line}: ${f.message}`);
    expect(found).toEqual([
      "volumes[0].host.sourcePath @5: host path /var/run (volume 'varrun') is mounted into 'agent': it holds /var/run/docker.sock",
      "volumes[1].host.sourcePath @6: host path /run (volume 'run') is mounted into 'agent': it holds /run/docker.sock",
      "volumes[2].host.sourcePath @7: host path /var/lib (volume 'varlib') is mounted into 'agent': it holds /var/lib/docker",
      "volumes[3].host.sourcePath @8: host path /sys/fs/cgroup (volume 'cgroup') is mounted into 'agent'",
    ]);
    // /var/log holds none of them.
    const mounting = (sourcePath: string) => ({
      ...td(app({ mountPoints: [{ sourceVolume: "v", containerPath: "/x" }] })),
      volumes: [{ name: "v", host: { sourcePath } }],
    });
    expect(decide("ECS031", "taskDefinition", mounting("/var/log"))).toEqual([]);
    expect(decide("ECS031", "taskDefinition", mounting("/var"))).toEqual([
      "ECS031 host path /var (volume 'v') is mounted into 'app': it holds /var/run/docker.sock",
    ]);
  });

  it("ECS032: only containers that listen; Fargate's 65535 passes; an unknown limit is unknown", () => {
    const nofile = (softLimit: unknown, ports = true) =>
      td(
        app({
          ...(ports ? { portMappings: [{ containerPort: 80 }] } : {}),
          ulimits: [{ name: "nofile", softLimit, hardLimit: 65535 }],
        }),
      );
    expect(decide("ECS032", "taskDefinition", nofile(4096))).toEqual([
      "ECS032 container 'app' listens on ports with a nofile soft limit of 4096 (below 65535)",
    ]);
    expect(decide("ECS032", "taskDefinition", nofile(4096, false))).toEqual([]);
    expect(decide("ECS032", "taskDefinition", nofile(65535))).toEqual([]);
    expect(decide("ECS032", "taskDefinition", nofile(new Unknown("var.nofile")))).toEqual(["?ECS032"]);
  });

  it("ECS033: exec'd last command, a trap or a single command pass; the exec form has no shell", () => {
    const cmd = (command: string[]) => td(app({ command }));
    expect(decide("ECS033", "taskDefinition", cmd(["sh", "-c", "./migrate; node server.js"]))).toEqual([
      "ECS033 container 'app' runs 2 commands through 'sh -c' and does not exec the last: SIGTERM stops at the shell and the application is killed after the default stop timeout (no stopTimeout: 30 s on Fargate; on EC2 the agent's ECS_CONTAINER_STOP_TIMEOUT, 30 s unless set)",
    ]);
    expect(decide("ECS033", "taskDefinition", cmd(["sh", "-c", "./migrate && exec node server.js"]))).toEqual(
      [],
    );
    expect(
      decide(
        "ECS033",
        "taskDefinition",
        cmd(["bash", "-c", "trap 'kill $PID' TERM; node s.js & PID=$!; wait"]),
      ),
    ).toEqual([]);
    expect(decide("ECS033", "taskDefinition", cmd(["sh", "-c", "node server.js"]))).toEqual([]);
    expect(decide("ECS033", "taskDefinition", cmd(["node", "server.js"]))).toEqual([]);
  });

  it("ECS033: a ';' inside quotes or a comment does not split the script; only 'cd && node' without exec is flagged, on its line", async () => {
    const [resource] = await loadPolicyFile(resolve(FIXTURES, "shell-commands.json"));
    if (!resource) throw new Error("shell-commands.json holds a task definition");
    const found = evaluateResource(resource, DEFAULT_CONFIG.policy)
      .findings.filter((f) => f.ruleId === "ECS033")
      .map((f) => `${f.path} @${f.location?.line}`);
    // a: `… && exec nginx -g 'daemon off;'`; b: `echo hi; exec node server.js # done; really`; c: trap.
    expect(found).toEqual(["containerDefinitions[3].command @12"]);
  });

  it("ECS033: the wait before SIGKILL is the container's stopTimeout, else the platform's default, named in the finding", () => {
    const message = (extra: Json) =>
      evaluateResource(
        {
          document: td(app({ command: ["sh", "-c", "./migrate; node s.js"], ...extra })),
          subject: "x",
          suppressions: [],
          run: {},
        },
        DEFAULT_CONFIG.policy,
      ).findings.find((f) => f.ruleId === "ECS033")?.message;
    expect(message({ stopTimeout: 90 })).toMatch(/killed after its stopTimeout of 90 s$/);
    expect(message({})).toMatch(
      /killed after the default stop timeout \(no stopTimeout: 30 s on Fargate; on EC2 the agent's ECS_CONTAINER_STOP_TIMEOUT, 30 s unless set\)$/,
    );
    // A stopTimeout not known in the input changes the wait, not the finding.
    expect(message({ stopTimeout: new Unknown("var.stop") })).toMatch(
      /after its stopTimeout of <var.stop> s$/,
    );
  });

  it("shellCommands: quotes, escapes, comments and redirections as the shell reads them", () => {
    expect(shellCommands("envsubst < t > c && exec nginx -g 'daemon off;'")).toEqual([
      ["envsubst", "<", "t", ">", "c"],
      ["exec", "nginx", "-g", "daemon off;"],
    ]);
    expect(shellCommands('echo "a; b" 2>&1 # x; y\nexec node s.js')).toEqual([
      ["echo", "a; b", "2>&1"],
      ["exec", "node", "s.js"],
    ]);
    expect(shellCommands("a & b | c || d; e\\; f")).toEqual([["a"], ["b"], ["c"], ["d"], ["e;", "f"]]);
  });

  it("ECS035: same account and region, or a bare parameter name, pass; the task's region unknown compares the account only", () => {
    const secret = (valueFrom: string, executionRoleArn = "arn:aws:iam::123456789012:role/exec") => ({
      ...td(app({ secrets: [{ name: "S", valueFrom }] })),
      executionRoleArn,
    });
    const home = { run: { region: "eu-west-1" } };
    expect(
      decide("ECS035", "taskDefinition", secret("arn:aws:ssm:eu-west-1:123456789012:parameter/db"), home),
    ).toEqual([]);
    expect(decide("ECS035", "taskDefinition", secret("db-password"), home)).toEqual([]);
    expect(
      decide(
        "ECS035",
        "taskDefinition",
        secret("arn:aws:secretsmanager:eu-west-1:210987654321:secret:db-x"),
        home,
      ),
    ).toEqual([
      "ECS035 secret arn:aws:secretsmanager:eu-west-1:210987654321:secret:db-x is in account 210987654321 (the task's is 123456789012)",
    ]);
    expect(
      decide("ECS035", "taskDefinition", secret("arn:aws:ssm:us-east-1:123456789012:parameter/db")),
    ).toEqual([]);
  });

  it("ECS036: one container needs no statement; every container essential: false is rejected by ECS", () => {
    expect(decide("ECS036", "taskDefinition", td(app()))).toEqual([]);
    expect(
      decide("ECS036", "taskDefinition", td(app({ essential: false }), app({ name: "b", essential: false }))),
    ).toEqual(["ECS036 no container is essential: ECS requires at least one"]);
    expect(decide("ECS036", "taskDefinition", td(app({ essential: true }), app({ name: "b" })))).toEqual([]);
  });

  it("ECS037: a :debug distroless image has a shell; the exec form needs none", () => {
    const health = (image: string, command: string[]) => td(app({ image, healthCheck: { command } }));
    expect(
      decide(
        "ECS037",
        "taskDefinition",
        health("gcr.io/distroless/base-debian12:debug", ["CMD-SHELL", "true"]),
      ),
    ).toEqual([]);
    expect(
      decide("ECS037", "taskDefinition", health("gcr.io/distroless/base-debian12", ["CMD", "/healthcheck"])),
    ).toEqual([]);
    expect(
      decide("ECS037", "taskDefinition", health("gcr.io/distroless/base-debian12", ["CMD-SHELL", "true"])),
    ).toEqual([
      "ECS037 container 'app': CMD-SHELL health check, but gcr.io/distroless/base-debian12 ships no shell",
    ]);
  });

  it("ECS007/ECS027: Linux tasks answer to ECS007, Windows tasks to ECS027", () => {
    const windows = (user?: string) => ({
      ...td(app(user ? { user } : {})),
      runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2019_FULL" },
    });
    expect(decide("ECS027", "taskDefinition", windows("ContainerUser"))).toEqual([]);
    expect(decide("ECS027", "taskDefinition", windows())).toEqual([
      "ECS027 Windows container 'app' sets no user: it runs as the image's user, ContainerAdministrator by default",
    ]);
    expect(decide("ECS007", "taskDefinition", windows())).toEqual([]);
    expect(decide("ECS027", "taskDefinition", td(app()))).toEqual([]);
  });

  it("ECS007: uid 0 is root as much as the name root, with or without a group; other users pass", () => {
    const user = (value?: unknown) => td(app(value === undefined ? {} : { user: value }));
    expect(decide("ECS007", "taskDefinition", user("0"))).toEqual(["ECS007 container 'app' runs as 0"]);
    expect(decide("ECS007", "taskDefinition", user("0:0"))).toEqual(["ECS007 container 'app' runs as 0:0"]);
    expect(decide("ECS007", "taskDefinition", user("root"))).toEqual(["ECS007 container 'app' runs as root"]);
    expect(decide("ECS007", "taskDefinition", user("root:1000"))).toEqual([
      "ECS007 container 'app' runs as root:1000",
    ]);
    expect(decide("ECS007", "taskDefinition", user())).toEqual([
      "ECS007 container 'app' sets no user: it runs as the image's user, root by default",
    ]);
    expect(decide("ECS007", "taskDefinition", user(""))).toEqual([
      "ECS007 container 'app' sets no user: it runs as the image's user, root by default",
    ]);
    for (const ok of ["1000", "1000:1000", "10", "app", "rootless", "0app"])
      expect(decide("ECS007", "taskDefinition", user(ok)), ok).toEqual([]);
    expect(decide("ECS007", "taskDefinition", user(new Unknown("var.user")))).toEqual(["?ECS007"]);
    // Linux declared outright is still ECS007's.
    expect(
      decide("ECS007", "taskDefinition", {
        ...user("0"),
        runtimePlatform: { operatingSystemFamily: "LINUX" },
      }),
    ).toEqual(["ECS007 container 'app' runs as 0"]);
  });

  it("ECS019: a container without `essential` is essential (ECS's default); behind no load balancer nothing is asked", () => {
    const lb = { run: { behindLoadBalancer: true } };
    expect(decide("ECS019", "taskDefinition", td(app()), lb)).toEqual([
      "ECS019 essential container 'app' has no health check and the service is behind a load balancer",
    ]);
    expect(decide("ECS019", "taskDefinition", td(app({ essential: true })), lb)).toEqual([
      "ECS019 essential container 'app' has no health check and the service is behind a load balancer",
    ]);
    expect(decide("ECS019", "taskDefinition", td(app({ essential: false })), lb)).toEqual([]);
    expect(
      decide("ECS019", "taskDefinition", td(app({ healthCheck: { command: ["CMD", "/health"] } })), lb),
    ).toEqual([]);
    expect(decide("ECS019", "taskDefinition", td(app()))).toEqual([]);
    expect(decide("ECS019", "taskDefinition", td(app()), { run: { behindLoadBalancer: false } })).toEqual([]);
    expect(
      decide("ECS019", "taskDefinition", td(app({ essential: new Unknown("var.essential") })), lb),
    ).toEqual(["?ECS019"]);
    expect(decide("ECS019", "taskDefinition", td(app({ healthCheck: new Unknown("var.hc") })), lb)).toEqual([
      "?ECS019",
    ]);
  });

  it("ECS008: a platform version on EC2 is not Fargate's; an unknown launch type is unknown", () => {
    expect(decide("ECS008", "service", { platformVersion: "1.3.0", launchType: "EC2" })).toEqual([]);
    expect(
      decide("ECS008", "service", { platformVersion: "1.3.0", launchType: new Unknown("var.type") }),
    ).toEqual(["?ECS008"]);
  });

  it("ECS021/ECS022: DISABLED passes, an unknown choice is unknown, never passed", () => {
    const network = (assignPublicIp: unknown) => ({
      networkConfiguration: { awsvpcConfiguration: { subnets: ["s"], assignPublicIp } },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(decide("ECS021", "service", network("DISABLED"))).toEqual([]);
    expect(decide("ECS021", "service", network(new Unknown("var.public")))).toEqual(["?ECS021"]);
    expect(decide("ECS022", "taskSet", network(new Unknown("var.public")))).toEqual(["?ECS022"]);
  });

  it("ECS034: not production, or logged (OVERRIDE destination, or DEFAULT with an awslogs container), passes; no cluster is unknown", () => {
    const service = (extra: Json = {}) => ({ serviceName: "web", enableExecuteCommand: true, ...extra });
    const cluster = (exec: Json) => ({
      cluster: { clusterName: "prod", configuration: { executeCommandConfiguration: exec } },
    });
    const awslogs = { taskDefinition: td(app({ logConfiguration: { logDriver: "awslogs" } })) };
    expect(
      decide("ECS034", "service", service(), { related: { cluster: { clusterName: "staging" } } }),
    ).toEqual([]);
    expect(decide("ECS034", "service", service(), { related: cluster({ logging: "DEFAULT" }) })).toEqual([
      "?ECS034",
    ]);
    expect(
      decide("ECS034", "service", service(), { related: { ...cluster({ logging: "DEFAULT" }), ...awslogs } }),
    ).toEqual([]);
    expect(
      decide("ECS034", "service", service(), {
        related: { ...cluster({ logging: "DEFAULT" }), taskDefinition: td(app()) },
      }),
    ).toEqual([
      "ECS034 ECS Exec is on (cluster 'prod') with DEFAULT logging, and no container of the task logs with awslogs: sessions are not logged",
    ]);
    expect(
      decide("ECS034", "service", service(), {
        related: cluster({ logging: "OVERRIDE", logConfiguration: { cloudWatchLogGroupName: "/ecs/exec" } }),
      }),
    ).toEqual([]);
    // Production by the environment tag; the cluster is not in the input.
    expect(
      decide("ECS034", "service", service({ tags: [{ key: "Environment", value: "production" }] }), {
        related: { cluster: new Unknown("cluster main") },
      }),
    ).toEqual(["?ECS034"]);
  });

  it("ECS038: alarms-based rollback counts; CodeDeploy and external controllers are not checked", () => {
    expect(
      decide("ECS038", "service", {
        deploymentConfiguration: { alarms: { enable: true, rollback: true, alarmNames: ["a"] } },
      }),
    ).toEqual([]);
    expect(decide("ECS038", "service", { deploymentController: { type: "CODE_DEPLOY" } })).toEqual([]);
    expect(decide("ECS038", "service", {})).toEqual([
      "ECS038 the service deploys without the circuit breaker: a failing deployment never stops by itself",
    ]);
  });

  it("ECS023–ECS026: enhanced insights and DEFAULT exec logging pass; protection needs managed scaling; Fargate providers have no ASG", () => {
    expect(
      decide("ECS023", "cluster", { settings: [{ name: "containerInsights", value: "enhanced" }] }),
    ).toEqual([]);
    expect(
      decide("ECS024", "cluster", { configuration: { executeCommandConfiguration: { logging: "DEFAULT" } } }),
    ).toEqual([]);
    expect(
      decide("ECS025", "cluster", {
        configuration: {
          executeCommandConfiguration: {
            logging: "OVERRIDE",
            kmsKeyId: "k",
            logConfiguration: { cloudWatchLogGroupName: "/x" },
          },
        },
      }),
    ).toEqual(["ECS025 ECS Exec logs go to a CloudWatch log group without cloudWatchEncryptionEnabled"]);
    expect(
      decide("ECS026", "capacityProvider", {
        autoScalingGroupProvider: {
          managedTerminationProtection: "ENABLED",
          managedScaling: { status: "DISABLED" },
        },
      }),
    ).toEqual(["ECS026 managed termination protection is on, but managed scaling is off: it has no effect"]);
    expect(decide("ECS026", "capacityProvider", { name: "FARGATE" })).toEqual([]);
  });
});
