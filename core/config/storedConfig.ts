import { gunzipSync, gzipSync } from "node:zlib";
import { ConfigError } from "./errors.ts";

/**
 * Parameter Store's value limits, in characters: Standard 4,096 ("Standard tier parameters support
 * a maximum parameter value of 4096 characters", PutParameter's ValidationException), Advanced
 * 8,192 (Systems Manager User Guide, "Managing parameter tiers"). Advanced parameters are charged
 * per parameter and month, so the config only goes there when even compressed it needs to.
 */
export const PARAMETER_LIMITS = { Standard: 4096, Advanced: 8192 } as const;

/** Marks a stored config that is gzip-compressed and base64-encoded (a JSON config starts with `{`). */
export const COMPRESSED_PREFIX = "gzip+base64:";

export interface StoredConfig {
  /** What goes into the SSM parameter. */
  readonly value: string;
  readonly tier: keyof typeof PARAMETER_LIMITS;
  readonly compressed: boolean;
}

/**
 * How the central config is stored in SSM: minified JSON when it fits the Standard tier, else
 * compressed ({@link COMPRESSED_PREFIX}), else compressed in the Advanced tier; a config too large
 * for that fails `sst deploy` with its size.
 *
 * @example
 * storedConfig('{ "redeploy": { "rules": [] } }'); // { value: '{"redeploy":{"rules":[]}}', tier: "Standard", compressed: false }
 */
export function storedConfig(text: string, source = "autopilot.config.json"): StoredConfig {
  let minified: string;
  try {
    minified = JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new ConfigError(source, `not valid JSON (${(error as Error).message})`);
  }
  if (minified.length <= PARAMETER_LIMITS.Standard)
    return { value: minified, tier: "Standard", compressed: false };
  const value = `${COMPRESSED_PREFIX}${gzipSync(minified, { level: 9 }).toString("base64")}`;
  if (value.length <= PARAMETER_LIMITS.Standard) return { value, tier: "Standard", compressed: true };
  if (value.length <= PARAMETER_LIMITS.Advanced) return { value, tier: "Advanced", compressed: true };
  throw new ConfigError(
    source,
    `${minified.length} characters minified and ${value.length} compressed; Parameter Store holds at most ${PARAMETER_LIMITS.Advanced}`,
  );
}

/** The config text a stored value holds (plain or compressed). */
export function configFromStored(value: string, source: string): string {
  if (!value.startsWith(COMPRESSED_PREFIX)) return value;
  try {
    return gunzipSync(Buffer.from(value.slice(COMPRESSED_PREFIX.length), "base64")).toString("utf8");
  } catch (error) {
    throw new ConfigError(source, `compressed value cannot be read (${(error as Error).message})`);
  }
}
