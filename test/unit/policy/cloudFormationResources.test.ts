/**
 * Which resources of a CloudFormation template the policy checks and how they refer to each other
 * (core/policy/inputs/cloudFormationResources.ts): the ECS types, names, the cluster and task
 * definition a service or task set names, how a task definition's service runs it, and the skips.
 */
import { describe, expect, it } from "vitest";
import type { LoadedResource } from "../../../core/policy/LoadedResource.ts";
import { loadPolicyText } from "../../../core/policy/loadPolicyFile.ts";
import { type ResourceDoc, Unknown } from "../../../core/policy/types.ts";

/** A related resource by what it is: a cluster's or task definition's name, or an unknown's reason. */
const which = (value: ResourceDoc | Unknown | undefined) =>
  value instanceof Unknown
    ? `unknown: ${value.description}`
    : value === undefined
      ? undefined
      : String(value.clusterName ?? value.family ?? "(unnamed)");
const summary = (r: LoadedResource) => ({
  kind: r.resourceType,
  address: r.address,
  subject: r.subject,
  name: r.name,
  format: r.format,
  run: r.run,
  cluster: which(r.related.cluster),
  taskDefinition: which(r.related.taskDefinition),
});

const TEMPLATE = `Parameters:
  Subnet:
    Type: String
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
  Task:
    Type: AWS::ECS::TaskDefinition
    Metadata:
      ecs-autopilot:
        skip:
          - id: ECS016
            reason: "  drops come from the base image  "
          - not a skip
          - reason: no id
          - id: ECS002
    Properties:
      Family: web
      ContainerDefinitions: []
      Tags:
        - Key: autopilot:policy-skip:ECS004
          Value: " logs ship elsewhere "
  Web:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: web
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Task
      LaunchType: FARGATE
      PlatformVersion: LATEST
      LoadBalancers:
        - ContainerName: app
          ContainerPort: 80
  ByName:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: by-name
      Cluster: arn:aws:ecs:eu-west-1:123456789012:cluster/prod
      TaskDefinition: web:3
  Elsewhere:
    Type: AWS::ECS::Service
    Properties:
      Cluster: shared
      TaskDefinition: !GetAtt Task.TaskDefinitionArn
  NotACluster:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Web
      TaskDefinition: !Ref Cluster
  Unplaced:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: unplaced
  Blue:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: !GetAtt Cluster.Arn
      Service: !Ref Web
      TaskDefinition: !Ref Task
  Provider:
    Type: AWS::ECS::CapacityProvider
    Properties:
      Name: on-demand
  Lonely:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions: []
  Bucket:
    Type: AWS::S3::Bucket
  Defaults:
    Type: AWS::ECS::Cluster
  Broken:
`;

describe("CloudFormation: the template's ECS resources and their references", () => {
  it("every ECS type, named in ECS terms (else by logical id); a service's cluster and task definition by !Ref, !GetAtt or a name the template has", async () => {
    const resources = await loadPolicyText(TEMPLATE, "template.yaml");
    expect(resources.map(summary)).toEqual([
      {
        kind: "cluster",
        address: "Cluster",
        subject: "prod",
        name: "prod",
        format: "cloudformation",
        run: {},
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "taskDefinition",
        address: "Task",
        subject: "web",
        name: "web",
        format: "cloudformation",
        // From the first service that runs it (Web).
        run: { behindLoadBalancer: true, platformVersion: "LATEST", launchType: "FARGATE" },
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "service",
        address: "Web",
        subject: "web",
        name: "web",
        format: "cloudformation",
        run: {},
        cluster: "prod",
        taskDefinition: "web",
      },
      {
        kind: "service",
        address: "ByName",
        subject: "by-name",
        name: "by-name",
        format: "cloudformation",
        run: {},
        // The cluster's ARN ends in a name the template's cluster has.
        cluster: "prod",
        taskDefinition: 'unknown: task definition "web:3"',
      },
      {
        kind: "service",
        address: "Elsewhere",
        subject: "Elsewhere",
        name: undefined,
        format: "cloudformation",
        run: {},
        cluster: 'unknown: cluster "shared" is not in this template',
        taskDefinition: "web",
      },
      {
        kind: "service",
        address: "NotACluster",
        subject: "NotACluster",
        name: undefined,
        format: "cloudformation",
        run: {},
        cluster: 'unknown: cluster {"Ref":"Web"} is not in this template',
        taskDefinition: 'unknown: task definition {"Ref":"Cluster"}',
      },
      {
        kind: "service",
        address: "Unplaced",
        subject: "unplaced",
        name: "unplaced",
        format: "cloudformation",
        run: {},
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "taskSet",
        address: "Blue",
        subject: "Blue",
        name: undefined,
        format: "cloudformation",
        run: {},
        cluster: "prod",
        taskDefinition: "web",
      },
      {
        kind: "capacityProvider",
        address: "Provider",
        subject: "on-demand",
        name: "on-demand",
        format: "cloudformation",
        run: {},
        cluster: undefined,
        taskDefinition: undefined,
      },
      {
        kind: "taskDefinition",
        address: "Lonely",
        subject: "Lonely",
        name: undefined,
        format: "cloudformation",
        // No service runs it: nothing about how it runs.
        run: {},
        cluster: undefined,
        taskDefinition: undefined,
      },
      // No Properties: every setting is ECS's default.
      {
        kind: "cluster",
        address: "Defaults",
        subject: "Defaults",
        name: undefined,
        format: "cloudformation",
        run: {},
        cluster: undefined,
        taskDefinition: undefined,
      },
    ]);
    // A service names no related resource it does not have (not even as undefined).
    expect(Object.keys(resources.find((r) => r.address === "Unplaced")?.related ?? {})).toEqual([]);
  });

  it("skips from the resource's ecs-autopilot Metadata (reason trimmed, an entry without id skips nothing real) and its Tags", async () => {
    const task = (await loadPolicyText(TEMPLATE, "template.yaml")).find((r) => r.address === "Task");
    expect(task?.suppressions).toEqual([
      { ruleId: "ECS016", reason: "drops come from the base image", source: "Task Metadata" },
      { ruleId: "", reason: "no id", source: "Task Metadata" },
      // No reason: ECS000 says so.
      { ruleId: "ECS002", reason: "", source: "Task Metadata" },
      { ruleId: "ECS004", reason: "logs ship elsewhere", source: "Task Tags" },
    ]);
  });

  it("a service without load balancers, platform version or launch type says nothing of them to its task definition", async () => {
    const template = `Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions: []
  Web:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      LoadBalancers: []
`;
    const [task] = await loadPolicyText(template, "template.yaml");
    expect(task?.run).toEqual({});
  });

  it("a task definition that only a task set runs (external deployment controller) runs as the task set does: behind its load balancer", async () => {
    const template = `Resources:
  Blue:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: blue
      ContainerDefinitions: []
  App:
    Type: AWS::ECS::Service
    Properties:
      Cluster: prod
      DeploymentController:
        Type: EXTERNAL
  BlueSet:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: prod
      Service: !Ref App
      TaskDefinition: !Ref Blue
      LaunchType: FARGATE
      PlatformVersion: 1.4.0
      LoadBalancers:
        - ContainerName: app
          ContainerPort: 80
          TargetGroupArn: !Ref BlueTargetGroup
`;
    const [task] = await loadPolicyText(template, "template.yaml");
    expect(task?.run).toEqual({ behindLoadBalancer: true, platformVersion: "1.4.0", launchType: "FARGATE" });
  });

  it("a task definition run by a task set and a service is checked as the service runs it, whichever comes first", async () => {
    // The task set (an EXTERNAL service's) is written first; the service, on Fargate, second.
    const template = `Resources:
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions: []
  Canary:
    Type: AWS::ECS::TaskSet
    Properties:
      Cluster: prod
      Service: legacy
      TaskDefinition: !Ref Web
      LaunchType: EC2
  App:
    Type: AWS::ECS::Service
    Properties:
      Cluster: prod
      TaskDefinition: !Ref Web
      LaunchType: FARGATE
`;
    const [task] = await loadPolicyText(template, "template.yaml");
    expect(task?.run).toEqual({ launchType: "FARGATE" });
  });

  it("a service whose load balancers are a condition (`!If`) leaves its task definition's load balancer unknown", async () => {
    const template = `Conditions:
  Public: !Equals [!Ref Stage, prod]
Parameters:
  Stage:
    Type: String
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ContainerDefinitions: []
  Web:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      LoadBalancers: !If
        - Public
        - - ContainerName: app
            ContainerPort: 80
        - !Ref AWS::NoValue
`;
    const [task] = await loadPolicyText(template, "template.yaml");
    const behind = task?.run?.behindLoadBalancer;
    expect(behind).toBeInstanceOf(Unknown);
    expect(behind instanceof Unknown && behind.description).toContain('"Fn::If"');
  });

  it("finds a field on its line whatever CloudFormation calls it (case, ClusterSettings for settings)", async () => {
    const template = `Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: prod
      ClusterSettings:
        - Name: containerInsights
          Value: disabled
`;
    const [cluster] = await loadPolicyText(template, "template.yaml");
    expect(cluster?.locate(["settings", 0, "value"])?.line).toBe(8);
    expect(cluster?.locate(["clusterName"])?.line).toBe(5);
  });

  it("a !Ref to a template parameter may be empty; the same !Ref to a resource is there", async () => {
    const template = `Parameters:
  Family:
    Type: String
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Ref Family
      ContainerDefinitions: []
`;
    const [task] = await loadPolicyText(template, "template.yaml");
    expect(task?.document.family).toEqual(new Unknown('{"Ref":"Family"}', false));
    expect(task?.subject).toBe("Task");
    // The same !Ref with no such parameter names a resource of the template: there once deployed.
    const [other] = await loadPolicyText(template.replace(/^Parameters:\n.*\n.*\n/, ""), "template.yaml");
    expect(other?.document.family).toEqual(new Unknown('{"Ref":"Family"}', true));
  });
});
