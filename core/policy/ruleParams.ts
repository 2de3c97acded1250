/**
 * The rule catalogue as the central config sees it: every rule id, and the shape of each
 * configurable parameter. Data only (no rule implementations), so that checking a config at load
 * does not pull the policy engine into every function's bundle. A test keeps it equal to the
 * catalogue (`RULES` in ./rules.ts): the same ids, and every rule's default parameters fit here.
 */

import { Glob } from "../config/index.ts";
import * as z from "../zod.ts";

/** Every rule id of the catalogue, in order. */
export const POLICY_RULE_IDS = [
  "ECS001",
  "ECS002",
  "ECS003",
  "ECS004",
  "ECS005",
  "ECS006",
  "ECS007",
  "ECS008",
  "ECS009",
  "ECS010",
  "ECS011",
  "ECS012",
  "ECS013",
  "ECS014",
  "ECS015",
  "ECS016",
  "ECS017",
  "ECS018",
  "ECS019",
  "ECS020",
  "ECS021",
  "ECS022",
  "ECS023",
  "ECS024",
  "ECS025",
  "ECS026",
  "ECS027",
  "ECS028",
  "ECS029",
  "ECS030",
  "ECS031",
  "ECS032",
  "ECS033",
  "ECS034",
  "ECS035",
  "ECS036",
  "ECS037",
  "ECS038",
] as const;

const Words = z.array(z.string().check(z.trim(), z.minLength(1)));
/** AWS tag keys: 1 to 128 characters (AWS Tagging API reference, `Tag.Key`). */
const TagKeys = z.array(z.string().check(z.minLength(1), z.maxLength(128)));

/**
 * The parameters a rule takes, each optional (an unset one keeps the rule's default). A rule
 * without an entry takes none. Unknown parameter names are refused, so a misspelt one fails the
 * config instead of being ignored.
 */
export const RULE_PARAMS: Readonly<Record<string, z.ZodMiniType>> = {
  /** `mutableTags`: image tags that move, e.g. latest. */
  ECS013: z.partial(z.strictObject({ mutableTags: Words })),
  /** `allowedRegistries`: registry host globs, e.g. *.dkr.ecr.*.amazonaws.com. */
  ECS014: z.partial(z.strictObject({ allowedRegistries: z.array(Glob) })),
  ECS015: z.partial(
    z.strictObject({
      dangerous: z.array(
        z
          .string()
          .check(
            z.regex(/^[A-Z][A-Z0-9_]*$/, "a Linux capability as ECS spells it: SYS_ADMIN, NET_ADMIN, ALL"),
          ),
      ),
    }),
  ),
  ECS028: z.partial(z.strictObject({ requiredTagKeys: TagKeys })),
  ECS029: z.partial(z.strictObject({ requiredTagKeys: TagKeys })),
  ECS030: z.partial(z.strictObject({ requiredTagKeys: TagKeys })),
  ECS031: z.partial(
    z.strictObject({
      sensitivePaths: z.array(
        z.string().check(z.regex(/^\//, "an absolute host path such as /var/run/docker.sock")),
      ),
    }),
  ),
  ECS032: z.partial(z.strictObject({ minNofileSoftLimit: z.int().check(z.minimum(0)) })),
  ECS034: z.partial(z.strictObject({ productionWords: Words })),
  ECS037: z.partial(z.strictObject({ shellLessImages: z.array(Glob) })),
};
