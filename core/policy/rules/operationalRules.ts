import { posix } from "node:path";
import { matchesGlob } from "../../config/nameGlob.ts";
import { parseImageReference } from "../../ecs/ImageReference.ts";
import {
  asArray,
  containerPath as container,
  containers,
  flag,
  isObject,
  isUnknown,
  type Json,
  lastName,
  text,
} from "../fields.ts";
import { decideOn } from "../ReadLog.ts";
import type { PolicyRule, TaskDefinitionDoc, Violation } from "../types.ts";
import { shellCommands } from "./shellCommands.ts";
import { filledInLater } from "./taskDefinitionRules.ts";

/**
 * Host paths whose mount gives a container the host: the container runtime's sockets (root on the
 * host to whoever can write to them, read-only mount or not), the host's root, configuration,
 * kernel interfaces and devices. A mount of one of them, of a path below one, or of a directory
 * that holds one (`/var/run` holds the Docker socket) is flagged.
 *
 * Sources: the Docker daemon's socket is /var/run/docker.sock (the Docker client's
 * DefaultDockerHost; CIS Docker Benchmark 3.15, 5.31) and its data root /var/lib/docker (dockerd
 * reference, `--data-root`); containerd's socket is /run/containerd/containerd.sock, its state
 * /run/containerd and its root /var/lib/containerd (containerd-config.toml(5)); /var/run may be a
 * symlink to /run (FHS 3.0, 5.13; systemd requires it), so both spellings are listed.
 */
const SENSITIVE_HOST_PATHS = [
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
];

/** The Fargate default soft and hard `nofile` limit (ECS API reference, `Ulimit`, read 2026-08). */
const FARGATE_DEFAULT_NOFILE = 65535;

/** Images that ship no shell (the distroless README: "do not contain package managers, shells…"). */
const SHELL_LESS_IMAGES = ["gcr.io/distroless/*"];

const SHELLS = new Set(["sh", "bash", "ash", "dash", "zsh", "ksh"]);

/**
 * A host path as the daemon mounts it: Docker cleans a bind mount's source (moby
 * volume/mounts/linux_parser.go, `path.Clean`), so `/var/run//docker.sock/`, `/var/run/./docker.sock`
 * and `//etc` are the socket and /etc. The `/.` added makes `normalize` drop a trailing slash too.
 */
const normalizePath = (path: string) => posix.normalize(`${path}/.`);

/** `path` is `dir` or below it (both normalized: only `/` itself is at `/`, as no path starts `//`). */
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * `[…entryPoint, …command]`: the process the container starts, as Docker joins them. An unknown
 * entryPoint or command needs no case here: reading it makes the rule unknown on that container
 * and drops a finding there (see `evaluateRule`).
 */
function argv(definition: Json): string[] | undefined {
  const words = [definition.entryPoint, definition.command].flatMap((p) => asArray(p));
  return words.every((w) => typeof w === "string") ? (words as string[]) : undefined;
}

/**
 * The script of `sh -c '…'` (also `/bin/bash -ec`, `bash -e -c`), or undefined when the process is
 * not a shell running a script. Words after the script are its `$0`, `$1`…, not part of it.
 */
function shellScript([program, ...args]: readonly string[]): string | undefined {
  if (program === undefined || !SHELLS.has(lastName(program))) return undefined;
  // Options come first (`-e -c`, `-ec`); the first word that is not one ends them.
  for (const [i, arg] of args.entries()) {
    if (!/^-[a-zA-Z]+$/.test(arg)) return undefined;
    if (arg.includes("c")) return args[i + 1];
  }
  return undefined;
}

/** Secret references: container secrets, log driver secret options, private registry credentials. */
function secretReferences(td: TaskDefinitionDoc): Array<{ path: Array<string | number>; ref: string }> {
  return containers(td).flatMap((c) => {
    const refs: Array<{ path: Array<string | number>; ref: string }> = [];
    asArray(c.definition.secrets).forEach((secret, i) => {
      const ref = isObject(secret) ? text(secret.valueFrom) : undefined;
      if (ref) refs.push({ path: container(c.index, "secrets", i, "valueFrom"), ref });
    });
    const log = c.definition.logConfiguration;
    if (isObject(log))
      asArray(log.secretOptions).forEach((secret, i) => {
        const ref = isObject(secret) ? text(secret.valueFrom) : undefined;
        if (ref)
          refs.push({ path: container(c.index, "logConfiguration", "secretOptions", i, "valueFrom"), ref });
      });
    const credentials = c.definition.repositoryCredentials;
    const parameter = isObject(credentials) ? text(credentials.credentialsParameter) : undefined;
    if (parameter)
      refs.push({
        path: container(c.index, "repositoryCredentials", "credentialsParameter"),
        ref: parameter,
      });
    return refs;
  });
}

/** Rules no anchor has, for the ECS settings teams get burnt by. */
export const OPERATIONAL_RULES: readonly PolicyRule[] = [
  {
    id: "ECS031",
    title: "Sensitive host path mounted",
    severity: "high",
    rationale:
      "A container that mounts the Docker or containerd socket controls the container runtime, which is root on the host (a read-only mount does not limit a socket), and so does one that mounts a directory holding it (/var/run, /run, /var/lib); mounting /, /etc, /proc, /sys or /dev exposes or alters the host itself.",
    remediation:
      "Remove the bind mount. For logs or metrics use FireLens or the CloudWatch agent's ECS integration; if a sidecar truly needs the runtime, isolate it on dedicated instances and document the exception with a suppression.",
    field: "volumes[*].host.sourcePath",
    mappings: {},
    params: { sensitivePaths: SENSITIVE_HOST_PATHS },
    check: (td, { params }) => {
      const sensitive = (params.sensitivePaths as string[] | undefined) ?? SENSITIVE_HOST_PATHS;
      return asArray(td.volumes).flatMap((volume, i) => {
        if (!isObject(volume) || !isObject(volume.host)) return [];
        const source = text(volume.host.sourcePath);
        const name = text(volume.name);
        if (!source || !name) return [];
        const path = normalizePath(source);
        const roots = sensitive.map(normalizePath);
        // `/` in the list is the host's root itself: a path below it is not below `/` here.
        const below = roots.find((root) => under(path, root));
        // A parent of a sensitive path holds it: mounting /var/run mounts /var/run/docker.sock, and
        // mounting / mounts every one of them.
        const holds = below ? undefined : roots.find((root) => path === "/" || under(root, path));
        if (!below && !holds) return [];
        const mounting = containers(td)
          .filter((c) =>
            asArray(c.definition.mountPoints).some((m) => isObject(m) && text(m.sourceVolume) === name),
          )
          .map((c) => `'${c.name}'`);
        return mounting.length > 0
          ? [
              {
                path: ["volumes", i, "host", "sourcePath"],
                message: `host path ${source} (volume '${name}') is mounted into ${mounting.join(", ")}${holds ? `: it holds ${holds}` : ""}`,
              },
            ]
          : [];
      });
    },
  },
  {
    id: "ECS032",
    title: "Open-files limit too low for a server",
    severity: "medium",
    rationale:
      "Every connection is a file descriptor: a container that listens on ports with a low `nofile` soft limit fails with 'too many open files' under load, long before CPU or memory run out.",
    remediation:
      "Remove the `nofile` ulimit (Fargate's default is 65535/65535) or raise its soft limit to at least `minNofileSoftLimit`.",
    field: "containerDefinitions[*].ulimits",
    mappings: {},
    notes:
      "The default threshold is Fargate's own default nofile limit (65535, ECS API reference `Ulimit`). On EC2 the default comes from the Docker daemon's configuration on the instance, which a task definition does not show, so only explicit limits are checked.",
    params: { minNofileSoftLimit: FARGATE_DEFAULT_NOFILE },
    check: (td, { params }) => {
      const minimum = Number(params.minNofileSoftLimit ?? FARGATE_DEFAULT_NOFILE);
      return containers(td).flatMap((c) => {
        if (asArray(c.definition.portMappings).length === 0) return [];
        return asArray(c.definition.ulimits).flatMap((limit, i): Violation[] => {
          if (!isObject(limit) || text(limit.name) !== "nofile") return [];
          if (isUnknown(limit.softLimit))
            return [
              {
                path: container(c.index, "ulimits", i, "softLimit"),
                message: `container '${c.name}': nofile soft limit is ${String(limit.softLimit)}`,
                unknown: true,
              },
            ];
          const soft = Number(limit.softLimit);
          return Number.isFinite(soft) && soft < minimum
            ? [
                {
                  path: container(c.index, "ulimits", i, "softLimit"),
                  message: `container '${c.name}' listens on ports with a nofile soft limit of ${soft} (below ${minimum})`,
                },
              ]
            : [];
        });
      });
    },
  },
  {
    id: "ECS033",
    title: "Stop signal may not reach the application",
    severity: "low",
    rationale:
      "ECS stops a container with SIGTERM, waits `stopTimeout` (30 s by default, at most 120 s on Fargate) and then sends SIGKILL. When the container's process is a shell running several commands, the shell is PID 1: it neither forwards SIGTERM to the application nor dies from it, so every deployment and scale-in kills the application mid-request after the full timeout.",
    remediation:
      "Start the application with `exec` as the last command of the script (`… && exec node server.js`), or use the exec form without a shell; trap SIGTERM in the script if it must stay; set `stopTimeout` to what a graceful shutdown needs.",
    field: "containerDefinitions[*].entryPoint, containerDefinitions[*].command",
    mappings: {},
    notes:
      "Shells differ: bash and newer dash may exec a script's last simple command themselves, so this rule only flags scripts with several commands, pipes or loops whose last command is not `exec`'d and that set no `trap` (commands are split as the shell does: quoted `;` and comments do not split). ECS has no stop signal setting: StopTask does the equivalent of `docker stop` (SIGTERM, then SIGKILL after the timeout). A `stopTimeout` does not let the signal through, it only sets the wait before SIGKILL, so the rule fires with or without one and names the wait: the container's `stopTimeout`, else the default (ECS API reference, ContainerDefinition.stopTimeout: 30 s on Fargate, at most 120 s; on EC2 the agent's ECS_CONTAINER_STOP_TIMEOUT, 30 s unless set).",
    check: (td) =>
      containers(td).flatMap((c) => {
        const words = argv(c.definition);
        const script = words ? shellScript(words) : undefined;
        if (script === undefined) return [];
        const commands = shellCommands(script);
        // One command: shells may exec it themselves. A trap: the script handles the signal.
        if (commands.length <= 1 || commands.some((command) => command[0] === "trap")) return [];
        if (commands.at(-1)?.[0] === "exec") return [];
        // The timeout only names the wait in the message; the finding holds whatever it is.
        const timeout = c.definition.stopTimeout;
        decideOn(timeout);
        const wait =
          timeout !== undefined && timeout !== null
            ? `its stopTimeout of ${String(timeout)} s`
            : "the default stop timeout (no stopTimeout: 30 s on Fargate; on EC2 the agent's ECS_CONTAINER_STOP_TIMEOUT, 30 s unless set)";
        return [
          {
            path: container(c.index, asArray(c.definition.entryPoint).length > 0 ? "entryPoint" : "command"),
            message: `container '${c.name}' runs ${commands.length} commands through '${words?.slice(0, 2).join(" ")}' and does not exec the last: SIGTERM stops at the shell and the application is killed after ${wait}`,
          },
        ];
      }),
  },
  {
    id: "ECS035",
    title: "Secret from another account or region",
    severity: "medium",
    rationale:
      "A secret in another region makes every task start depend on that region's Secrets Manager or Parameter Store; one in another account needs a resource policy and a customer-managed KMS key there (the AWS-managed key cannot be shared), and breaks when either side changes.",
    remediation:
      "Replicate the secret into the task's account and region (Secrets Manager replication, or a copy of the parameter) and reference the local ARN.",
    field: "containerDefinitions[*].secrets[*].valueFrom",
    mappings: {},
    notes:
      "The task's account comes from its ARN, its execution role or the account being audited; its region from its ARN, the audited account or a Terraform provider's literal `region`. Where the input does not say (no ARN, no execution role), only what it does say is compared; an execution role that is not known in the input leaves the account unknown, unless the region already differs.",
    check: (td, { run }) => {
      const references = secretReferences(td);
      if (references.length === 0) return [];
      // The task's account and region: the run context, its ARN, its execution role. The role is
      // read only when the account matters: a secret in another region is a finding whatever it is.
      const arn = text(td.taskDefinitionArn)?.match(/^arn:aws[^:]*:ecs:([^:]+):(\d{12}):task-definition\//);
      const home = run.region ?? arn?.[1];
      const account = () =>
        run.account ??
        arn?.[2] ??
        text(td.executionRoleArn)?.match(/^arn:aws[^:]*:iam::(\d{12}):role\//)?.[1];
      return references.flatMap(({ path, ref }) => {
        const secret = /^arn:aws[^:]*:(secretsmanager|ssm):([^:]*):(\d{12}):/.exec(ref);
        if (!secret) return [];
        // The region group always takes part in the match: "" when the ARN has none.
        const [, service, region, owner] = secret;
        const otherRegion = home !== undefined && region !== "" && region !== home;
        const mine = account();
        if (otherRegion) decideOn(td.executionRoleArn);
        const problems = [
          ...(mine && owner !== mine ? [`account ${owner} (the task's is ${mine})`] : []),
          ...(otherRegion ? [`region ${region} (the task's is ${home})`] : []),
        ];
        return problems.length > 0
          ? [
              {
                path,
                message: `${service === "ssm" ? "parameter" : "secret"} ${ref} is in ${problems.join(" and ")}`,
              },
            ]
          : [];
      });
    },
  },
  {
    id: "ECS036",
    title: "Essential containers not stated",
    severity: "medium",
    rationale:
      "A container without `essential` is essential: when any of them exits, ECS stops the whole task. In a task with sidecars (log router, proxy, agent) that nobody marked, a crashing sidecar takes the application down; a task where every container says `essential: false` is rejected.",
    remediation:
      "Set `essential: true` on the application container and `essential: false` on sidecars whose exit the task can survive.",
    field: "containerDefinitions[*].essential",
    mappings: {},
    check: (td) => {
      const all = containers(td);
      if (all.length === 0) return [];
      // An essential not known in the input is neither false nor unset, so neither finding holds;
      // the evaluator reports the rule unknown where it was read.
      const values = all.map((c) => c.definition.essential);
      // About the list, not one container: reported on `containerDefinitions`.
      if (values.every((v) => flag(v) === false))
        return [
          {
            path: ["containerDefinitions"],
            message: "no container is essential: ECS requires at least one",
          },
        ];
      return all.length > 1 && values.every((v) => v === undefined || v === null)
        ? [
            {
              path: ["containerDefinitions"],
              message: `none of the ${all.length} containers states 'essential': all are, and any one exiting stops the task`,
            },
          ]
        : [];
    },
  },
  {
    id: "ECS037",
    title: "Shell health check on an image without a shell",
    severity: "high",
    rationale:
      "`CMD-SHELL` runs the health check with the container's default shell; an image without a shell (distroless) fails it every time, so ECS replaces healthy tasks forever and deployments never stabilise.",
    remediation:
      'Use the exec form (`["CMD", "/app/healthcheck"]`) with a binary the image ships, or a `:debug` variant that has a shell.',
    field: "containerDefinitions[*].healthCheck.command",
    mappings: {},
    params: { shellLessImages: SHELL_LESS_IMAGES },
    check: (td, { params, run }) => {
      const globs = (params.shellLessImages as string[] | undefined) ?? SHELL_LESS_IMAGES;
      return containers(td).flatMap((c): Violation[] => {
        const health = c.definition.healthCheck;
        if (!isObject(health) || asArray(health.command)[0] !== "CMD-SHELL") return [];
        if (isUnknown(c.definition.image))
          return [
            {
              path: container(c.index, "image"),
              message: `CMD-SHELL health check, and the image ${String(c.definition.image)} is not known in this input`,
              unknown: true,
            },
          ];
        const image = text(c.definition.image);
        if (!image) return [];
        if (filledInLater(image, run))
          return [
            {
              path: container(c.index, "image"),
              message: `image '${image}' is filled in later`,
              unknown: true,
            },
          ];
        const reference = parseImageReference(image);
        if (!reference || reference.tag?.includes("debug")) return [];
        const name = `${reference.registry}/${reference.repository}`;
        return globs.some((glob) => matchesGlob(name, glob))
          ? [
              {
                path: container(c.index, "healthCheck", "command"),
                message: `container '${c.name}': CMD-SHELL health check, but ${name} ships no shell`,
              },
            ]
          : [];
      });
    },
  },
];
