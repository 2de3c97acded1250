import { PolicyInputError } from "./PolicyInputError.ts";

/** A Terraform module call: `module "ecs" { source = "terraform-aws-modules/ecs/aws" }`. */
export interface ModuleCall {
  readonly name: string;
  /** The `source` argument as written; undefined when it is not a literal. */
  readonly source?: string;
}

/**
 * A Terraform file with no ECS resource of its own but module calls, whose resources `policy check`
 * cannot see: modules are not expanded (a registry or git module is not even on disk, and a local
 * one's variables come from the call). A plan (`terraform show -json`) has them all, with values.
 * Not "nothing to check": the ECS resources may well be in the modules.
 */
export class ModulesNotExpandedError extends PolicyInputError {
  override readonly name = "ModulesNotExpandedError";
  constructor(
    file: string,
    readonly modules: readonly ModuleCall[],
  ) {
    const calls = modules
      .map((m) => `module "${m.name}"${m.source === undefined ? "" : ` from ${m.source}`}`)
      .join(", ");
    super(
      file,
      `no ECS resource found; module calls are not expanded (${calls}): run \`terraform show -json\` on a plan and check that`,
    );
  }
}
