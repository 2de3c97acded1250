/**
 * Lambda checks a function's on-failure destination against its execution role when the
 * destination is configured: PutFunctionEventInvokeConfig answers InvalidParameterValueException
 * "The function's execution role does not have permissions to call SendMessage on …"
 * (terraform-provider-aws retries that for IAM propagation, then fails the deploy). So every
 * function infra/ gives the dead-letter queue as its destination must hold core/iam's
 * DeadLetterQueue statement. `sst deploy` cannot run here: infra/ is imported with SST's and
 * Pulumi's globals replaced by an inert stand-in that records each `sst.aws.Function`'s args.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AutopilotFunction, permissionStatements } from "../../../core/iam/index.ts";

/** Any property, call or construction gives itself back: enough for an infra/ module to build. */
const inert: unknown = new Proxy(function inertTarget() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => "inert" : inert),
  apply: () => inert,
  construct: () => inert as object,
});

interface FunctionArgs {
  readonly environment?: { readonly AUTOPILOT_FLOW?: string };
  readonly retries?: number;
  readonly transform?: {
    readonly eventInvokeConfig?: { readonly destinationConfig?: { readonly onFailure?: unknown } };
  };
}

const created: Array<{ name: string; args: FunctionArgs }> = [];

/** `sst`, with `sst.aws.Function` recording what it is given. */
const sst = new Proxy(
  {},
  {
    get: (_target, key) =>
      key === "aws"
        ? new Proxy(
            {},
            {
              get: (_t, member) =>
                member === "Function"
                  ? function RecordedFunction(name: string, args: FunctionArgs) {
                      created.push({ name, args });
                      return inert;
                    }
                  : inert,
            },
          )
        : inert,
  },
);

const MODULES = ["redeploy", "monitor", "schedule", "policy", "rightsize", "notify"];

describe("infra/: failure destinations the functions' roles can send to", () => {
  beforeEach(() => {
    vi.stubGlobal("sst", sst);
    for (const name of ["aws", "$app", "$dev", "$resolve", "$jsonStringify", "$interpolate"])
      vi.stubGlobal(name, inert);
    vi.resetModules();
    created.length = 0;
  });
  afterEach(() => vi.unstubAllGlobals());

  it("gives the dead-letter queue as on-failure destination only to functions whose role may send to it", async () => {
    for (const module of MODULES) await import(new URL(`../../../infra/${module}.ts`, import.meta.url).href);
    expect(created.map((f) => f.args.environment?.AUTOPILOT_FLOW).sort()).toEqual(
      ["monitor", "notify", "policy", "redeploy", "rightsize", "schedule", "service-index"].sort(),
    );
    const missing = created
      // SST creates the event invoke config only when `retries` is set (its function.ts).
      .filter((f) => f.args.retries !== undefined && f.args.transform?.eventInvokeConfig?.destinationConfig)
      .filter(
        (f) =>
          !permissionStatements(f.args.environment?.AUTOPILOT_FLOW as AutopilotFunction, {
            acting: true,
          }).some((s) => s.sid === "DeadLetterQueue"),
      )
      .map((f) => f.name);
    expect(missing).toEqual([]);
  });
});
