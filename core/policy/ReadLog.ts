import { type FieldPath, Unknown } from "./types.ts";

/** One value a rule read that the input does not know: where it is, how to name it, and what it is. */
export interface UnknownRead {
  /** Where it is reported: the path in the checked resource (a related resource's is the field naming it). */
  readonly path: FieldPath;
  /** What to call it in the report (`containerDefinitions[0].memory`, `the cluster's settings`). */
  readonly label: string;
  readonly value: Unknown;
  /** Why it is unknown when it is not a value of the input's language: a value of the wrong type. */
  readonly problem?: string;
}

/**
 * Fields of the ECS API whose value is a boolean (ECS API reference: ContainerDefinition,
 * MountPoint, CreateService, DeploymentCircuitBreaker, DeploymentAlarms,
 * ExecuteCommandLogConfiguration). CloudFormation also accepts the strings "true" and "false";
 * anything else (`"TRUE"`, `"yes"`, `1`) is not a value ECS accepts, so a rule reads it as unknown.
 */
const BOOLEAN_FIELDS = new Set([
  "privileged",
  "essential",
  "readonlyRootFilesystem",
  "disableNetworking",
  "interactive",
  "pseudoTerminal",
  "initProcessEnabled",
  "readOnly",
  "enableExecuteCommand",
  "enableECSManagedTags",
  "enable",
  "rollback",
  "cloudWatchEncryptionEnabled",
  "s3EncryptionEnabled",
]);
/**
 * Lists whose entries are objects (ECS API reference: RegisterTaskDefinition, ContainerDefinition,
 * Cluster). An entry that is not (`containerDefinitions: [null]`) is read as unknown, never as an
 * entry that is not there.
 */
const OBJECT_LISTS = new Set([
  "containerDefinitions",
  "volumes",
  "portMappings",
  "mountPoints",
  "environment",
  "secrets",
  "ulimits",
  "secretOptions",
  "settings",
  "tags",
  "loadBalancers",
  "capacityProviderStrategy",
]);

const isBooleanValue = (value: unknown) =>
  value === undefined ||
  value === null ||
  typeof value === "boolean" ||
  value === "true" ||
  value === "false";
const isEntry = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * What one rule check read that the input does not know. The evaluator hands the check its
 * documents through {@link ReadLog.track}: every unknown value the check reads is logged with its
 * path, and so is a value of the wrong type for its field (`"privileged": "TRUE"`, a `null`
 * container definition), which the check reads as unknown. A check that decides on an unknown on
 * purpose says so with {@link decideOn} or {@link present}.
 *
 * Checks run synchronously, one at a time: the log of the running check is a module variable so
 * that rules need not pass it around.
 */
export class ReadLog {
  /** The unknown values read, by value: one value may be read at several places (shared objects). */
  private readonly reads = new Map<Unknown, UnknownRead[]>();
  private readonly decided = new Set<Unknown>();
  /**
   * The proxy of each object and the path it was first reached by. An object shared by several
   * places of a document (a YAML alias, a Terraform local) gets a proxy per place, so that reads
   * are reported where they happen; those are looked up by the joined path, which only shared
   * objects pay for.
   */
  private readonly proxies = new WeakMap<
    object,
    { readonly path: FieldPath; readonly proxy: object; others?: Map<string, object> }
  >();
  /** Values of the wrong type, replaced by one unknown each (so that deciding on it sticks). */
  private readonly invalid = new WeakMap<object, Map<PropertyKey, Unknown>>();

  /** The unknown values read and not decided on. */
  unknownReads(): UnknownRead[] {
    return [...this.reads.entries()].flatMap(([value, reads]) => (this.decided.has(value) ? [] : reads));
  }

  decide(value: Unknown): void {
    this.decided.add(value);
  }

  private read(value: Unknown, path: FieldPath, label: string, problem?: string) {
    const reads = this.reads.get(value) ?? [];
    if (!reads.some((read) => read.label === label))
      reads.push({ path, label, value, ...(problem ? { problem } : {}) });
    this.reads.set(value, reads);
  }

  /**
   * `value` as the check sees it: objects and lists behind a proxy that logs the unknown values
   * read below it. `label` names the value read at a path; `at` says where it is reported (the
   * path itself when not given: the checked resource).
   */
  track<T extends object>(
    value: T,
    label: (path: FieldPath) => string,
    at?: (path: FieldPath) => FieldPath,
  ): T {
    return this.below(value, label, at, []) as T;
  }

  private below(
    value: unknown,
    label: (path: FieldPath) => string,
    at: ((path: FieldPath) => FieldPath) | undefined,
    path: FieldPath,
  ): unknown {
    if (value instanceof Unknown) {
      this.read(value, at ? at(path) : path, label(path));
      return value;
    }
    if (typeof value !== "object" || value === null) return value;
    const known = this.proxies.get(value);
    if (known && samePath(known.path, path)) return known.proxy;
    const key = known ? path.join("\u0000") : "";
    const other = known?.others?.get(key);
    if (other) return other;
    const proxy = new Proxy(value, this.handler(label, at, path));
    if (!known) this.proxies.set(value, { path, proxy });
    else {
      known.others ??= new Map();
      known.others.set(key, proxy);
    }
    return proxy;
  }

  /** Reads through a proxy: plain values as they are (no path is built for them), the rest logged or wrapped. */
  private handler(
    label: (path: FieldPath) => string,
    at: ((path: FieldPath) => FieldPath) | undefined,
    path: FieldPath,
  ): ProxyHandler<object> {
    const log = this;
    const parentKey = path[path.length - 1];
    const objectList = typeof parentKey === "string" && OBJECT_LISTS.has(parentKey);
    return {
      get(target, key, receiver) {
        const inner = Reflect.get(target, key, receiver) as unknown;
        if (typeof key === "symbol" || typeof inner === "function") return inner;
        const list = Array.isArray(target);
        const index = list ? Number(key) : -1;
        if (list && !Number.isInteger(index)) return inner; // `length`, a method
        const nested = inner instanceof Unknown || (typeof inner === "object" && inner !== null);
        const wrong = list
          ? objectList && inner !== undefined && !(inner instanceof Unknown) && !isEntry(inner)
          : BOOLEAN_FIELDS.has(key) && !(inner instanceof Unknown) && !isBooleanValue(inner);
        if (!nested && !wrong) return inner;
        const child = [...path, list ? index : key];
        if (!wrong) return log.below(inner, label, at, child);
        const replaced = log.replacement(target, key, inner);
        const expected = list ? "an object" : "a boolean";
        log.read(
          replaced,
          at ? at(child) : child,
          label(child),
          `is ${replaced.description}, not ${expected}`,
        );
        return replaced;
      },
    };
  }

  /** The one unknown that stands for a value of the wrong type (so that deciding on it sticks). */
  private replacement(target: object, key: PropertyKey, value: unknown): Unknown {
    const byKey = this.invalid.get(target) ?? new Map<PropertyKey, Unknown>();
    this.invalid.set(target, byKey);
    const known = byKey.get(key);
    if (known) return known;
    const replaced = new Unknown(JSON.stringify(value) ?? String(value));
    byKey.set(key, replaced);
    return replaced;
  }
}

const samePath = (a: FieldPath, b: FieldPath) => a.length === b.length && a.every((part, i) => part === b[i]);

let running: ReadLog | undefined;

/**
 * Runs `check` with `log` as the running check's log.
 *
 * @example
 * const log = new ReadLog();
 * const violations = withReadLog(log, () => rule.check(log.track(document, formatPath), context));
 */
export function withReadLog<T>(log: ReadLog, check: () => T): T {
  const outer = running;
  running = log;
  try {
    return check();
  } finally {
    running = outer;
  }
}

/**
 * The running check decides on these unknown values on purpose (e.g. a secret-like name with an
 * unknown value is a finding whatever the value): they do not make the rule unknown.
 */
export function decideOn(...values: unknown[]): void {
  for (const value of values) if (value instanceof Unknown) running?.decide(value);
}

/**
 * Whether a value is there: a non-empty literal, or a reference to another resource's attribute
 * (which always has one). A variable or function may be empty: it is neither, and stays unknown.
 *
 * @example
 * if (present(td.executionRoleArn)) return []; // `!GetAtt Role.Arn` is a role; `var.role` may be null
 */
export function present(value: unknown): boolean {
  if (value instanceof Unknown) {
    if (value.reference) decideOn(value);
    return value.reference;
  }
  return value !== undefined && value !== null && value !== "";
}
