/** A string or number field as text; undefined for anything else (missing, null, unknown). */
const text = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;

/** Task or container CPU in units (1024 = 1 vCPU): `"256"`, `256`, `"1 vCPU"`, `".25 vcpu"`. */
export function cpuUnits(value: unknown): number | undefined {
  // Missing or blank text matches no figure.
  const match = /^(\d*\.?\d+)\s*(vcpu)?$/.exec(text(value)?.trim().toLowerCase() ?? "");
  if (!match) return undefined;
  const number = Number(match[1]);
  return match[2] ? Math.round(number * 1024) : number;
}

/** Memory in MiB: `"512"`, `512`, `"0.5 GB"`, `"2GB"`. */
export function memoryMiB(value: unknown): number | undefined {
  const match = /^(\d*\.?\d+)\s*(gb|mb|mib|gib)?$/.exec(text(value)?.trim().toLowerCase() ?? "");
  if (!match) return undefined;
  const number = Number(match[1]);
  return match[2] === "gb" || match[2] === "gib" ? Math.round(number * 1024) : number;
}
