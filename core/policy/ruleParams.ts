/**
 * The rule catalogue as the central config sees it: every rule id, and the shape of each
 * configurable parameter. Data only (no rule implementations), so that checking a config at load
 * does not pull the policy engine into every function's bundle. A test keeps it equal to the
 * catalogue (`RULES` in ./rules.ts): the same ids, and every rule's default parameters fit here.
 */
import { z } from "zod";
import { Glob } from "../config/index.ts";

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

const Words = z.array(z.string().trim().min(1));
/** AWS tag keys: 1 to 128 characters (AWS Tagging API reference, `Tag.Key`). */
const TagKeys = z.array(z.string().min(1).max(128));

/**
 * The parameters a rule takes, each optional (an unset one keeps the rule's default). A rule
 * without an entry takes none. Unknown parameter names are refused, so a misspelt one fails the
 * config instead of being ignored.
 */
export const RULE_PARAMS: Readonly<Record<string, z.ZodType>> = {
  ECS013: z.strictObject({ mutableTags: Words.describe("image tags that move, e.g. latest") }).partial(),
  ECS014: z
    .strictObject({
      allowedRegistries: z.array(Glob).describe("registry host globs, e.g. *.dkr.ecr.*.amazonaws.com"),
    })
    .partial(),
  ECS015: z
    .strictObject({
      dangerous: z.array(
        z
          .string()
          .regex(/^[A-Z][A-Z0-9_]*$/, "a Linux capability as ECS spells it: SYS_ADMIN, NET_ADMIN, ALL"),
      ),
    })
    .partial(),
  ECS028: z.strictObject({ requiredTagKeys: TagKeys }).partial(),
  ECS029: z.strictObject({ requiredTagKeys: TagKeys }).partial(),
  ECS030: z.strictObject({ requiredTagKeys: TagKeys }).partial(),
  ECS031: z
    .strictObject({
      sensitivePaths: z.array(z.string().regex(/^\//, "an absolute host path such as /var/run/docker.sock")),
    })
    .partial(),
  ECS032: z.strictObject({ minNofileSoftLimit: z.number().int().min(0) }).partial(),
  ECS034: z.strictObject({ productionWords: Words }).partial(),
  ECS037: z.strictObject({ shellLessImages: z.array(Glob) }).partial(),
};
