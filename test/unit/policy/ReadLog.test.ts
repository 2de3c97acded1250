/**
 * ReadLog: what one rule check read that the input does not know. The rules' outcomes are held by
 * unknownValues.test.ts and policyInputs.test.ts; these hold what the log reports for reads no
 * rule of today makes twice (one value read again, a wrong value decided on and read again).
 */
import { describe, expect, it } from "vitest";
import { decideOn, ReadLog, withReadLog } from "../../../core/policy/ReadLog.ts";
import { type FieldPath, Unknown } from "../../../core/policy/types.ts";

const label = (path: FieldPath) => path.join(".");
const reported = (log: ReadLog) =>
  log
    .unknownReads()
    .map((read) => `${read.path.join(".")} ${read.label}${read.problem ? ` ${read.problem}` : ""}`);

describe("ReadLog", () => {
  it("reports an unknown value read twice at one place once", () => {
    const log = new ReadLog();
    const doc = log.track({ cpu: new Unknown("var.cpu") }, label);
    withReadLog(log, () => [doc.cpu, doc.cpu]);
    expect(reported(log)).toEqual(["cpu cpu"]);
  });

  it("reports a value shared by two places (a YAML alias) at each place it is read", () => {
    const shared = { memory: new Unknown("var.memory") };
    const log = new ReadLog();
    const doc = log.track({ a: shared, b: shared }, label);
    withReadLog(log, () => [doc.a.memory, doc.b.memory, doc.a.memory]);
    expect(reported(log)).toEqual(["a.memory a.memory", "b.memory b.memory"]);
  });

  it("reports a value shared by three places at each of them", () => {
    const shared = { memory: new Unknown("var.memory") };
    const log = new ReadLog();
    const doc = log.track({ a: shared, b: shared, c: shared }, label);
    withReadLog(log, () => [doc.a.memory, doc.b.memory, doc.c.memory]);
    expect(reported(log)).toEqual(["a.memory a.memory", "b.memory b.memory", "c.memory c.memory"]);
  });

  it("iterates a tracked list (for...of, spread) and reports what is read in its items", () => {
    const log = new ReadLog();
    const doc = log.track({ volumes: [{ host: new Unknown("var.host") }] }, label);
    const hosts = withReadLog(log, () => [...doc.volumes].map((volume) => volume.host));
    expect(hosts).toEqual([new Unknown("var.host")]);
    expect(reported(log)).toEqual(["volumes.0.host volumes.0.host"]);
  });

  it("reads a value of the wrong type as one unknown, so that deciding on it sticks", () => {
    const log = new ReadLog();
    const doc = log.track({ privileged: "TRUE" as unknown }, label);
    const first = withReadLog(log, () => {
      const value = doc.privileged;
      decideOn(value);
      return value;
    });
    const again = withReadLog(log, () => doc.privileged);
    expect(first).toBeInstanceOf(Unknown);
    expect(again).toBe(first);
    expect(reported(log)).toEqual([]);
  });

  it("reports a wrong value not decided on with what is wrong with it", () => {
    const log = new ReadLog();
    const doc = log.track({ privileged: "TRUE" as unknown, volumes: [null] as unknown[] }, label);
    withReadLog(log, () => [doc.privileged, doc.volumes[0]]);
    expect(reported(log)).toEqual([
      'privileged privileged is "TRUE", not a boolean',
      "volumes.0 volumes.0 is null, not an object",
    ]);
  });

  it("reads a text, a number or a list where a list holds objects as a wrong value (YAML `volumes: [data]`)", () => {
    const log = new ReadLog();
    const doc = log.track({ volumes: ["data", 5, ["x"]] as unknown[] }, label);
    withReadLog(log, () => [doc.volumes[0], doc.volumes[1], doc.volumes[2]]);
    expect(reported(log)).toEqual([
      'volumes.0 volumes.0 is "data", not an object',
      "volumes.1 volumes.1 is 5, not an object",
      'volumes.2 volumes.2 is ["x"], not an object',
    ]);
  });

  it("tells apart places whose names only run together (`ab.c` and `a.bc`) where one value is shared", () => {
    const shared = { memory: new Unknown("var.memory") };
    const log = new ReadLog();
    const doc = log.track({ abc: shared, ab: { c: shared }, a: { bc: shared } }, label);
    withReadLog(log, () => [doc.abc.memory, doc.ab.c.memory, doc.a.bc.memory]);
    expect(reported(log)).toEqual([
      "abc.memory abc.memory",
      "ab.c.memory ab.c.memory",
      "a.bc.memory a.bc.memory",
    ]);
  });

  it("is the running check's log only while the check runs, a failing one included", () => {
    const log = new ReadLog();
    const doc = log.track({ cpu: new Unknown("var.cpu"), memory: new Unknown("var.memory") }, label);
    const cpu = withReadLog(log, () => doc.cpu);
    expect(() =>
      withReadLog(log, () => {
        void doc.memory;
        throw new Error("a rule failed");
      }),
    ).toThrow("a rule failed");
    // Deciding outside any check decides nothing: both reads stay unknown.
    decideOn(cpu, doc.memory);
    expect(reported(log)).toEqual(["cpu cpu", "memory memory"]);
  });

  it("gives the outer check its log back after a nested one", () => {
    const outer = new ReadLog();
    const inner = new ReadLog();
    const doc = outer.track({ cpu: new Unknown("var.cpu") }, label);
    withReadLog(outer, () => {
      withReadLog(inner, () => undefined);
      decideOn(doc.cpu);
    });
    expect(reported(outer)).toEqual([]);
  });
});
