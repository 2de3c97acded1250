import { matchesGlob } from "../../config/nameGlob.ts";
import { FARGATE_SIZES } from "../../ecs/FargateSize.ts";
import { parseImageReference } from "../../ecs/ImageReference.ts";
import { cpuUnits, memoryMiB } from "../../ecs/units.ts";
import {
  asArray,
  containerPath as container,
  containers,
  flag,
  isFargate,
  isObject,
  isUnknown,
  isWindows,
  text,
} from "../fields.ts";
import { decideOn, present } from "../ReadLog.ts";
import type { PolicyRule, RunContext, Violation } from "../types.ts";
import { missingTags } from "./tagging.ts";

/**
 * Names that say "this is a secret", anywhere in the name (the AWS Config rule checks three names:
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA; these are what leak in practice).
 */
const SECRET_NAME =
  /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth[_-]?key|signing[_-]?key|master[_-]?key|ECS_ENGINE_AUTH_DATA)/i;
/** Values that are secrets whatever their name. */
const SECRET_VALUES: ReadonlyArray<[string, RegExp]> = [
  ["an AWS access key id", /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ["a private key", /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/],
  ["a GitHub token", /\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})\b/],
  ["a Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/],
  ["a Stripe secret key", /\bsk_live_[A-Za-z0-9]{16,}\b/],
  ["a JSON Web Token", /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ["a base64 application key", /^base64:[A-Za-z0-9+/]{32,}={0,2}$/],
];
/** Values that are references or placeholders, not secrets. */
const NOT_A_SECRET_VALUE =
  /^(\$\{[^}]+\}|\{\{[^}]+\}\}|<[^>]+>|changeme|REPLACE[_A-Z]*|arn:aws[^:]*:(ssm|secretsmanager):.*|)$/i;

const DANGEROUS_CAPABILITIES = [
  "ALL",
  "SYS_ADMIN",
  "NET_ADMIN",
  "SYS_PTRACE",
  "SYS_MODULE",
  "SYS_RAWIO",
  "DAC_READ_SEARCH",
  "SYS_BOOT",
  "NET_RAW",
];
const MUTABLE_TAGS = [
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
];
/**
 * An image a CI job or a template engine fills in, so not known in the file. Exactly, an image that
 * holds one of:
 * - `${` (shell, envsubst, Terraform, CloudFormation `Fn::Sub`, GitHub Actions `${{ … }}`) or
 *   `$NAME` (shell, envsubst);
 * - `{{` (Helm and Go templates, Jinja, Mustache, ecspresso);
 * - `<…>` (a documented placeholder: `<IMAGE>`, `<account-id>.dkr.ecr…`, `<REPLACE_ME>`);
 * - an upper-case word that starts with `REPLACE`, alone or joined by `_`/`-` to more upper-case
 *   words (`REPLACE`, `REPLACEME`, `REPLACE_ME`, `REPLACE-ME`, `REPLACED_BY_CI`), with no letter or
 *   digit right before or after it. Case matters: `docker.io/acme/ledger-replacer:1.0.0` is an image.
 * `$`, `{`, `<` and `>` are never part of an image reference, and repository names are lower case,
 * so a real image matches only with an upper-case tag spelled like that word.
 */
export const PLACEHOLDER =
  /\$\{|\$[A-Za-z_]|\{\{|<[^<>]+>|(?<![A-Za-z0-9])REPLACE[A-Z]*(?:[_-][A-Z0-9]+)*(?![A-Za-z0-9])/;

/**
 * Whether an image is a placeholder filled in later: only in a file. A revision registered in ECS
 * ({@link RunContext.registered}) is what tasks pull, whatever its image looks like.
 */
export const filledInLater = (image: string, run: RunContext): boolean =>
  run.registered !== true && PLACEHOLDER.test(image);
const DEFAULT_REGISTRIES = ["*.dkr.ecr.*.amazonaws.com", "*.dkr.ecr.*.amazonaws.com.cn", "public.ecr.aws"];

/** Rules ECS001–ECS020 on task definitions (ECS008 moved to services, where the platform version is set). */
export const TASK_DEFINITION_RULES: readonly PolicyRule[] = [
  {
    id: "ECS001",
    title: "Privileged container",
    severity: "high",
    rationale:
      "A privileged container has every capability and the host's devices: escaping it is escaping to the host.",
    remediation: "Remove `privileged: true`; add only the Linux capabilities the container needs.",
    field: "containerDefinitions[*].privileged",
    mappings: { securityHub: "ECS.4", awsConfig: "ecs-containers-nonprivileged", checkov: "CKV_AWS_334" },
    notes:
      "Checkov's CKV_AWS_334 reads a `privilege` key, which ECS does not have; this rule reads `privileged`, the field ECS and AWS Config's ecs-containers-nonprivileged read.",
    check: (td) =>
      containers(td)
        .filter((c) => flag(c.definition.privileged) === true)
        .map((c) => ({
          path: container(c.index, "privileged"),
          message: `container '${c.name}' runs privileged`,
        })),
  },
  {
    id: "ECS002",
    title: "Writable root filesystem",
    severity: "medium",
    rationale:
      "A writable root filesystem lets an attacker modify binaries and drop tools into the container.",
    remediation:
      "Set `readonlyRootFilesystem: true` and mount writable volumes for the paths that need writes (/tmp).",
    field: "containerDefinitions[*].readonlyRootFilesystem",
    mappings: { securityHub: "ECS.5", awsConfig: "ecs-containers-readonly-access", checkov: "CKV_AWS_336" },
    notes:
      "Windows containers do not support `readonlyRootFilesystem`: like Security Hub ECS.5, task definitions with a WINDOWS_SERVER family are not checked.",
    check: (td) =>
      (isWindows(td) ? [] : containers(td))
        .filter((c) => flag(c.definition.readonlyRootFilesystem) !== true)
        .map((c) => ({
          path: container(c.index, "readonlyRootFilesystem"),
          message: `container '${c.name}' can write to its root filesystem`,
        })),
  },
  {
    id: "ECS003",
    title: "Secret in a plain environment variable",
    severity: "high",
    rationale:
      "Environment values are stored in the task definition and shown to everyone who may describe it; secrets belong in Secrets Manager or SSM Parameter Store.",
    remediation:
      "Move the value to Secrets Manager or an SSM SecureString and reference it under `secrets` (valueFrom).",
    field: "containerDefinitions[*].environment[*]",
    mappings: { securityHub: "ECS.8", awsConfig: "ecs-no-environment-secrets" },
    notes:
      "AWS Config's ecs-no-environment-secrets matches only the names AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and ECS_ENGINE_AUTH_DATA; this rule matches those and other secret-like names, and secret-shaped values under any name. A secret-like name whose value is not known in the input (`value = var.db_password`) is unknown: the value may be a reference such as a parameter's ARN.",
    check: (td) => {
      const violations: Violation[] = [];
      for (const c of containers(td)) {
        asArray(c.definition.environment).forEach((entry, i) => {
          if (!isObject(entry)) return;
          const name = text(entry.name) ?? `environment[${i}]`;
          const value = text(entry.value);
          if (value === undefined || NOT_A_SECRET_VALUE.test(value.trim())) return;
          const shape = SECRET_VALUES.find(([, pattern]) => pattern.test(value));
          if (shape)
            violations.push({
              path: container(c.index, "environment", i, "value"),
              message: `container '${c.name}': ${name} holds ${shape[0]}`,
            });
          else if (SECRET_NAME.test(name))
            violations.push({
              path: container(c.index, "environment", i),
              message: `container '${c.name}': ${name} looks like a secret and has a plain value`,
            });
        });
      }
      return violations;
    },
  },
  {
    id: "ECS004",
    title: "No log configuration",
    severity: "medium",
    rationale:
      "Without a log driver the container's output is lost when the task stops, and with it the cause of the stop.",
    remediation: "Add a `logConfiguration` (awslogs with a log group, or FireLens).",
    field: "containerDefinitions[*].logConfiguration",
    mappings: { securityHub: "ECS.9", awsConfig: "ecs-task-definition-log-configuration" },
    check: (td) =>
      containers(td).flatMap((c) => {
        const log = c.definition.logConfiguration;
        if (!isObject(log))
          return [
            {
              path: container(c.index, "logConfiguration"),
              message: `container '${c.name}' has no log configuration`,
            },
          ];
        // Like AWS Config: a logConfiguration without a log driver logs nothing.
        return log.logDriver === undefined || log.logDriver === null || log.logDriver === ""
          ? [
              {
                path: container(c.index, "logConfiguration", "logDriver"),
                message: `container '${c.name}' has a log configuration without a log driver`,
              },
            ]
          : [];
      }),
  },
  {
    id: "ECS005",
    title: "Host PID or IPC namespace",
    severity: "high",
    rationale:
      "Sharing the host's process or IPC namespace lets the container see and signal the host's processes.",
    remediation: "Remove `pidMode: host` and `ipcMode: host` (use `task` where containers must share).",
    field: "pidMode, ipcMode",
    mappings: {
      securityHub: "ECS.3",
      awsConfig: "ecs-task-definition-pid-mode-check",
      checkov: "CKV_AWS_335",
    },
    notes:
      "Checkov's CKV_AWS_335 looks for `pidMode` inside container definitions, where ECS ignores it; this rule reads the task-level `pidMode` (and `ipcMode`), as ECS and AWS Config do.",
    check: (td) =>
      (["pidMode", "ipcMode"] as const)
        .filter((field) => text(td[field]) === "host")
        .map((field) => ({ path: [field], message: `${field} is host` })),
  },
  {
    id: "ECS006",
    title: "Host network mode",
    severity: "high",
    rationale:
      "With host networking the container binds the host's interfaces directly and bypasses security groups per task.",
    remediation: "Use `networkMode: awsvpc`.",
    field: "networkMode",
    mappings: {
      securityHub: "ECS.17, ECS.1",
      awsConfig: "ecs-task-definition-network-mode-not-host, ecs-task-definition-user-for-host-mode-check",
    },
    notes:
      "Security Hub ECS.1 (retired in March 2026; AWS Config ecs-task-definition-user-for-host-mode-check) fails host networking only with a non-privileged container running as root; this rule fails host networking itself, as ECS.17 does, and ECS007 covers root users.",
    check: (td) =>
      text(td.networkMode) === "host" ? [{ path: ["networkMode"], message: "networkMode is host" }] : [],
  },
  {
    id: "ECS007",
    title: "Runs as root",
    severity: "medium",
    rationale: "A process running as root in the container is root on the host if it escapes.",
    remediation: "Set `user` to a non-root UID (e.g. `1000:1000`) and build the image to run as that user.",
    field: "containerDefinitions[*].user",
    mappings: {
      securityHub: "ECS.20",
      awsConfig: "ecs-task-definition-linux-user-non-root, ecs-task-definition-nonroot-user",
    },
    notes:
      "Linux containers (no operating system family, or LINUX) as Security Hub ECS.20; Windows containers are ECS027's (ECS.21).",
    check: (td) =>
      (isWindows(td) ? [] : containers(td)).flatMap((c) => {
        const user = text(c.definition.user);
        if (user === undefined || user === "")
          return [
            {
              path: container(c.index, "user"),
              message: `container '${c.name}' sets no user: it runs as the image's user, root by default`,
            },
          ];
        return /^(root|0)(:.*)?$/.test(user)
          ? [{ path: container(c.index, "user"), message: `container '${c.name}' runs as ${user}` }]
          : [];
      }),
  },
  {
    id: "ECS009",
    title: "EFS volume without transit encryption",
    severity: "high",
    rationale: "Without transit encryption, file data crosses the network to EFS in clear text.",
    remediation: "Set `efsVolumeConfiguration.transitEncryption: ENABLED`.",
    field: "volumes[*].efsVolumeConfiguration.transitEncryption",
    mappings: {
      securityHub: "ECS.18",
      awsConfig: "ecs-task-definition-efs-encryption-enabled",
      checkov: "CKV_AWS_97",
    },
    notes:
      "Checkov's CKV_AWS_97 decides on the first EFS volume only; this rule checks every EFS volume, as AWS Config's ecs-task-definition-efs-encryption-enabled does.",
    check: (td) =>
      asArray(td.volumes).flatMap((volume, i) => {
        if (!isObject(volume)) return [];
        const efs = volume.efsVolumeConfiguration;
        if (!isObject(efs) || text(efs.transitEncryption) === "ENABLED") return [];
        return [
          {
            path: ["volumes", i, "efsVolumeConfiguration", "transitEncryption"],
            message: `EFS volume '${text(volume.name) ?? `#${i}`}' has no transit encryption`,
          },
        ];
      }),
  },
  {
    id: "ECS010",
    title: "No hard memory limit",
    severity: "medium",
    rationale:
      "A container without a memory limit (and no task-level limit) can take all of the instance's memory and starve its neighbours.",
    remediation: "Set the task's `memory`, or each container's `memory`.",
    field: "memory, containerDefinitions[*].memory",
    mappings: { awsConfig: "ecs-task-definition-memory-hard-limit" },
    notes:
      "AWS Config's ecs-task-definition-memory-hard-limit (discontinued by AWS Config on 3 April 2026) wants `memory` on every container; a task-level `memory` is a hard limit for all containers too, so this rule accepts either.",
    check: (td) => {
      if (memoryMiB(td.memory) !== undefined) return [];
      return containers(td)
        .filter((c) => memoryMiB(c.definition.memory) === undefined)
        .map((c) =>
          isUnknown(td.memory) || isUnknown(c.definition.memory)
            ? {
                path: isUnknown(c.definition.memory) ? container(c.index, "memory") : ["memory"],
                message: `container '${c.name}': memory limits are not known in this input`,
                unknown: true as const,
              }
            : {
                path: container(c.index, "memory"),
                message: `container '${c.name}' has no hard memory limit and the task none either`,
              },
        );
    },
  },
  {
    id: "ECS011",
    title: "Network mode is not awsvpc",
    severity: "low",
    rationale: "Only awsvpc gives each task its own network interface and security groups.",
    remediation: "Use `networkMode: awsvpc`.",
    field: "networkMode",
    mappings: { awsConfig: "ecs-awsvpc-networking-enabled" },
    check: (td) => {
      const mode = text(td.networkMode);
      return mode === "awsvpc" || mode === "host"
        ? []
        : [{ path: ["networkMode"], message: `networkMode is ${mode ?? "not set (bridge on EC2)"}` }];
    },
  },
  {
    id: "ECS012",
    title: "Task role equals execution role",
    severity: "medium",
    rationale:
      "The execution role pulls images and reads secrets for ECS; giving the application the same role hands it those rights.",
    remediation:
      "Use separate roles: an execution role for ECS and a task role with only what the application needs.",
    field: "taskRoleArn, executionRoleArn",
    mappings: { checkov: "CKV_AWS_249" },
    notes:
      "Roles given by reference compare by the resource they name: the same `!GetAtt Role.Arn` twice is one role, two role resources are two roles. Roles given by variables or functions may be the same or not, so the rule is unknown.",
    check: (td) => {
      const task = td.taskRoleArn;
      const execution = td.executionRoleArn;
      const same = [
        { path: ["taskRoleArn"], message: `task role and execution role are both ${String(task)}` },
      ];
      if (isUnknown(task) || isUnknown(execution)) {
        // The same reference twice is one role; references to two resources are two roles; a role
        // and no role are not the same. Anything else (variables, functions) stays unknown.
        const absent = (value: unknown) => value === undefined || value === null || value === "";
        if (absent(task) || absent(execution)) {
          decideOn(task, execution);
          return [];
        }
        if (isUnknown(task) && isUnknown(execution) && task.reference && execution.reference) {
          decideOn(task, execution);
          return task.description === execution.description ? same : [];
        }
        return [];
      }
      return text(task) && text(task) === text(execution) ? same : [];
    },
  },
  {
    id: "ECS013",
    title: "Image not pinned",
    severity: "medium",
    rationale:
      "A missing, `latest` or other moving tag makes a task start whatever was pushed last: two tasks of one revision can run different code.",
    remediation:
      "Reference images by digest (`repo@sha256:…`) or by an immutable version tag; ecs-autopilot's redeploy pins digests for you.",
    field: "containerDefinitions[*].image",
    mappings: {},
    params: { mutableTags: MUTABLE_TAGS },
    check: (td, { params, run }) => {
      const mutable = (params.mutableTags as string[] | undefined) ?? MUTABLE_TAGS;
      return containers(td).flatMap((c) => {
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
        if (!reference || reference.digest) return [];
        if (!reference.tag)
          return [
            {
              path: container(c.index, "image"),
              message: `container '${c.name}': image '${image}' has no tag (means latest)`,
            },
          ];
        return mutable.includes(reference.tag)
          ? [
              {
                path: container(c.index, "image"),
                message: `container '${c.name}': tag '${reference.tag}' moves`,
              },
            ]
          : [];
      });
    },
  },
  {
    id: "ECS014",
    title: "Image from a registry outside the allow-list",
    severity: "high",
    rationale:
      "Images from arbitrary registries bypass the scanning and provenance controls of your own registry.",
    remediation: "Mirror the image into ECR (pull-through cache) or add the registry to `allowedRegistries`.",
    field: "containerDefinitions[*].image",
    mappings: {},
    params: { allowedRegistries: DEFAULT_REGISTRIES },
    check: (td, { params, run }) => {
      const allowed = (params.allowedRegistries as string[] | undefined) ?? DEFAULT_REGISTRIES;
      return containers(td).flatMap((c) => {
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
        if (!reference || allowed.some((glob) => matchesGlob(reference.registry, glob))) return [];
        return [
          {
            path: container(c.index, "image"),
            message: `container '${c.name}': registry '${reference.registry}' is not allowed`,
          },
        ];
      });
    },
  },
  {
    id: "ECS015",
    title: "Dangerous Linux capability added",
    severity: "high",
    rationale:
      "SYS_ADMIN, NET_ADMIN, ALL and the like give a container near-root powers over the host kernel and network.",
    remediation: "Remove the capability from `linuxParameters.capabilities.add`.",
    field: "containerDefinitions[*].linuxParameters.capabilities.add",
    mappings: {},
    params: { dangerous: DANGEROUS_CAPABILITIES },
    check: (td, { params }) => {
      const dangerous = (params.dangerous as string[] | undefined) ?? DANGEROUS_CAPABILITIES;
      return containers(td).flatMap((c) => {
        const linux = isObject(c.definition.linuxParameters) ? c.definition.linuxParameters : {};
        const capabilities = isObject(linux.capabilities) ? linux.capabilities : {};
        return asArray(capabilities.add).flatMap((cap, i) =>
          dangerous.includes(String(cap).toUpperCase().replace(/^CAP_/, ""))
            ? [
                {
                  path: container(c.index, "linuxParameters", "capabilities", "add", i),
                  message: `container '${c.name}' adds ${String(cap)}`,
                },
              ]
            : [],
        );
      });
    },
  },
  {
    id: "ECS016",
    title: "No capabilities dropped",
    severity: "low",
    rationale:
      "Containers start with Docker's default capabilities; dropping ALL and adding back what is needed is least privilege.",
    remediation:
      'Set `linuxParameters.capabilities.drop: ["ALL"]` and add back only what the container needs.',
    field: "containerDefinitions[*].linuxParameters.capabilities.drop",
    mappings: {},
    check: (td) =>
      containers(td).flatMap((c) => {
        const linux = isObject(c.definition.linuxParameters) ? c.definition.linuxParameters : {};
        const capabilities = isObject(linux.capabilities) ? linux.capabilities : {};
        if (asArray(capabilities.drop).length > 0) return [];
        return [
          {
            path: container(c.index, "linuxParameters"),
            message: `container '${c.name}' drops no capabilities`,
          },
        ];
      }),
  },
  {
    id: "ECS017",
    title: "Secrets without an execution role",
    severity: "high",
    rationale:
      "ECS reads `secrets` and private registry credentials with the execution role; without one, the task fails to start.",
    remediation: "Set `executionRoleArn` to a role that may read the secrets (and pull the image).",
    field: "executionRoleArn",
    mappings: {},
    notes:
      "An execution role given by reference to a role resource (`!GetAtt Role.Arn`, `aws_iam_role.exec.arn`) is there; one given by a variable, a parameter or a value known only after apply may be null, so the rule is unknown.",
    check: (td) => {
      // A role given by reference is there; one given by a variable may be null, and stays unknown.
      if (present(td.executionRoleArn)) return [];
      return containers(td).flatMap((c) => {
        if (asArray(c.definition.secrets).length > 0)
          return [
            {
              path: container(c.index, "secrets"),
              message: `container '${c.name}' references secrets but the task has no execution role`,
            },
          ];
        return isObject(c.definition.repositoryCredentials)
          ? [
              {
                path: container(c.index, "repositoryCredentials"),
                message: `container '${c.name}' references private registry credentials but the task has no execution role`,
              },
            ]
          : [];
      });
    },
  },
  {
    id: "ECS018",
    title: "Not a valid Fargate size",
    severity: "high",
    rationale:
      "Fargate accepts only fixed CPU/memory combinations; any other fails when the task is run, not when it is registered.",
    remediation:
      "Pick a combination from the Fargate task size table (e.g. 256/512, 1024/2048, 4096/8192-30720).",
    field: "cpu, memory",
    mappings: {},
    check: (td) => {
      if (!isFargate(td)) return [];
      if (isUnknown(td.cpu) || isUnknown(td.memory))
        return [
          {
            path: [isUnknown(td.cpu) ? "cpu" : "memory"],
            message: `task size ${String(td.cpu)}/${String(td.memory)} is not known in this input`,
            unknown: true,
          },
        ];
      const cpu = cpuUnits(td.cpu);
      const memory = memoryMiB(td.memory);
      if (cpu === undefined || memory === undefined)
        return [{ path: ["cpu"], message: "Fargate needs task-level cpu and memory" }];
      const allowed = FARGATE_SIZES.get(cpu);
      if (!allowed)
        return [
          {
            path: ["cpu"],
            message: `${cpu} CPU units is not a Fargate size (256, 512, 1024, 2048, 4096, 8192, 16384)`,
          },
        ];
      return allowed.includes(memory)
        ? []
        : [
            {
              path: ["memory"],
              message: `${memory} MiB is not valid with ${cpu} CPU units (${allowed[0]}-${allowed[allowed.length - 1]} MiB)`,
            },
          ];
    },
  },
  {
    id: "ECS019",
    title: "No health check behind a load balancer",
    severity: "medium",
    rationale:
      "Behind a load balancer, a container health check lets ECS replace a hung task before the target group's checks drain it, and gates deployments.",
    remediation: "Add a `healthCheck` to each essential container of services behind a load balancer.",
    field: "containerDefinitions[*].healthCheck",
    mappings: {},
    check: (td, { run }) => {
      const behind = run.behindLoadBalancer;
      if (behind !== true && !isUnknown(behind)) return [];
      // Containers that all have a health check pass wherever the service runs: not unknown.
      decideOn(behind);
      return containers(td)
        .filter((c) => flag(c.definition.essential) !== false && !isObject(c.definition.healthCheck))
        .map((c) =>
          isUnknown(behind)
            ? {
                path: container(c.index, "healthCheck"),
                message: `container '${c.name}' has no health check, and whether its service runs behind a load balancer is not known in this input (${String(behind)})`,
                unknown: true as const,
              }
            : {
                path: container(c.index, "healthCheck"),
                message: `essential container '${c.name}' has no health check and the service is behind a load balancer`,
              },
        );
    },
  },
  {
    id: "ECS020",
    title: "Container memory above task memory",
    severity: "high",
    rationale:
      "ECS refuses to place a task whose containers' hard limits add up to more than the task's memory.",
    remediation: "Lower the containers' `memory` or raise the task's `memory`.",
    field: "memory, containerDefinitions[*].memory",
    mappings: {},
    check: (td) => {
      if (td.memory === undefined || td.memory === null) return [];
      if (isUnknown(td.memory) || containers(td).some((c) => isUnknown(c.definition.memory)))
        return [
          { path: ["memory"], message: "task or container memory is not known in this input", unknown: true },
        ];
      const task = memoryMiB(td.memory);
      if (task === undefined) return [];
      const limits = containers(td).map((c) => memoryMiB(c.definition.memory) ?? 0);
      const sum = limits.reduce((a, b) => a + b, 0);
      return sum > task
        ? [
            {
              path: ["memory"],
              message: `containers' memory limits add up to ${sum} MiB, the task has ${task} MiB`,
            },
          ]
        : [];
    },
  },
  {
    id: "ECS027",
    title: "Windows container runs as administrator",
    severity: "medium",
    rationale:
      "A Windows container running as ContainerAdministrator has unrestricted access inside the container, which makes a container escape to the host far more likely.",
    remediation:
      "Set `user` to a non-administrator account (e.g. `ContainerUser`) on every container of a Windows task definition.",
    field: "containerDefinitions[*].user",
    mappings: { securityHub: "ECS.21", awsConfig: "ecs-task-definition-windows-user-non-admin" },
    notes:
      "Security Hub ECS.21 also evaluates task definitions that declare no operating system family, so a Linux task without `user` fails both ECS.20 and ECS.21; this rule checks only task definitions that declare a WINDOWS_SERVER family and leaves the rest to ECS007.",
    check: (td) =>
      (isWindows(td) ? containers(td) : []).flatMap((c) => {
        const user = text(c.definition.user);
        if (user === undefined || user === "")
          return [
            {
              path: container(c.index, "user"),
              message: `Windows container '${c.name}' sets no user: it runs as the image's user, ContainerAdministrator by default`,
            },
          ];
        return user.toLowerCase() === "containeradministrator"
          ? [{ path: container(c.index, "user"), message: `Windows container '${c.name}' runs as ${user}` }]
          : [];
      }),
  },
  {
    id: "ECS028",
    title: "Task definition not tagged",
    severity: "low",
    enabledByDefault: false,
    rationale:
      "Tags say who owns a task definition and what it costs; without them findings and bills have no owner.",
    remediation:
      "Tag the task definition (at least the keys in `requiredTagKeys`); tags starting with `aws:` do not count.",
    field: "tags",
    mappings: { securityHub: "ECS.15", awsConfig: "tagged-ecs-taskdefinition" },
    notes:
      "Security Hub ECS.13–ECS.15 belong to its AWS Resource Tagging Standard, not to the foundational best practices, and tagged-ecs-taskdefinition is a rule Security Hub runs, not an AWS Config managed rule. Off by default; turn on with `rules.ECS028.enabled` and set `requiredTagKeys` (none: any tag will do).",
    params: { requiredTagKeys: [] },
    check: (td, { params }) => missingTags(td, params, "task definition"),
  },
];
