import type {
  FieldPath,
  RelatedResources,
  ResourceDoc,
  ResourceKind,
  RunContext,
  SourceLocation,
  Suppression,
} from "./types.ts";

/** Where a resource was read from. */
export type InputFormat =
  | "ecs"
  | "describe"
  | "cloudformation"
  | "terraform"
  | "terraform-json"
  | "terraform-plan"
  | "account";

/**
 * One ECS resource found in an input, in the ECS API's shape, with what the rules need around it
 * and a way back to its source lines.
 */
export interface LoadedResource {
  readonly file: string;
  readonly format: InputFormat;
  readonly resourceType: ResourceKind;
  /** What reports call it: a task definition's family, a service's or cluster's name, else its address. */
  readonly subject: string;
  /** The name config exemptions match (`family` glob): family, service, cluster or provider name. */
  readonly name?: string;
  /** The resource's address in its source: CloudFormation logical id, `aws_ecs_service.web`. */
  readonly address?: string;
  readonly document: ResourceDoc;
  readonly run: RunContext;
  readonly related: RelatedResources;
  readonly suppressions: readonly Suppression[];
  /** Where a field (or its nearest existing parent) is in the file. */
  locate(path: FieldPath): SourceLocation | undefined;
}
