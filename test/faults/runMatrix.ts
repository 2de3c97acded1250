/**
 * `npm run test:faults`: the full fault matrix against a dedicated moto server, written to
 * docs/reliability.md (and every scenario's result to reports/faults.json).
 *
 *   npm run test:faults                       # everything (1½–2 hours on 2 shared cores)
 *   npm run test:faults -- --flow redeploy    # one flow
 *   npm run test:faults -- --class "drop-after always" --no-doc
 *   npm run test:faults -- --flow monitor --target DynamoDB.UpdateItem --no-doc   # one action's scenarios
 *   npm run test:faults -- --recheck          # the last run's failures again, on the code as it is now
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { gitRevision } from "./gitRevision.ts";
import { Harness } from "./Harness.ts";
import { FLOWS, type MatrixRun, runMatrix, scenariosFor } from "./matrix.ts";
import {
  matrixSection,
  type Recheck,
  recheckSection,
  redriveProblems,
  writeSection,
} from "./reliabilityDoc.ts";
import { runScenario, type ScenarioResult } from "./scenario.ts";

const { values } = parseArgs({
  options: {
    flow: { type: "string", multiple: true },
    class: { type: "string", multiple: true },
    /** Only the scenarios of these targets (`DynamoDB.UpdateItem`, `Slack`, …). */
    target: { type: "string", multiple: true },
    "no-doc": { type: "boolean", default: false },
    /** Write docs/reliability.md from the last run's reports/faults.json, without running anything. */
    "render-only": { type: "boolean", default: false },
    /**
     * Run again, on the current code, every scenario the last run (reports/faults.json) found not
     * consistent (or not consistent after its redrive), and write the outcome to its own section.
     */
    recheck: { type: "boolean", default: false },
  },
});

const flows = values.flow ? FLOWS.filter((f) => values.flow?.includes(f.name)) : FLOWS;
if (flows.length === 0)
  throw new Error(`no flow named ${values.flow?.join(", ")}: ${FLOWS.map((f) => f.name).join(", ")}`);
const partial = Boolean(values.flow || values.class || values.target);

const reports = resolve(import.meta.dirname, "..", "..", "reports");
if (values["render-only"]) {
  const run = JSON.parse(readFileSync(resolve(reports, "faults.json"), "utf8")) as MatrixRun;
  writeSection("matrix", matrixSection(run));
  if (values.recheck)
    writeSection(
      "recheck",
      recheckSection(
        run,
        JSON.parse(readFileSync(resolve(reports, "faults-recheck.json"), "utf8")) as Recheck,
      ),
    );
  console.log(`docs/reliability.md: matrix of ${run.startedAt} written`);
  process.exit(0);
}

if (values.recheck) {
  const last = JSON.parse(readFileSync(resolve(reports, "faults.json"), "utf8")) as MatrixRun;
  const failing = last.results.filter(
    (r) =>
      flows.some((f) => f.name === r.flow) &&
      (r.status !== "consistent" || (r.afterRedrive !== undefined && r.afterRedrive !== "consistent")),
  );
  const harness = await Harness.start();
  const rechecked: Array<{ readonly before: ScenarioResult; readonly now?: ScenarioResult }> = [];
  try {
    for (const flow of FLOWS.filter((f) => failing.some((r) => r.flow === f.name))) {
      const clean = await runScenario(harness, { flow, fault: { target: "none" } });
      const scenarios = scenariosFor(flow, clean);
      for (const before of failing.filter((r) => r.flow === flow.name)) {
        const scenario = scenarios.find((s) => {
          const target =
            s.fault.target === "aws"
              ? `${s.fault.rule.service}.${String(s.fault.rule.action)}`
              : s.fault.target === "slack"
                ? "Slack"
                : "-";
          return (
            target === before.target && s.fault.target !== "none" && s.fault.className === before.faultClass
          );
        });
        const now = scenario ? await runScenario(harness, scenario) : undefined;
        rechecked.push({ before, ...(now ? { now } : {}) });
        console.log(
          `${flow.name} ${before.target} ${before.faultClass}: was ${before.status}${before.afterRedrive ? ` (after redrive ${before.afterRedrive})` : ""}, now ${now ? `${now.status}${now.afterRedrive ? ` (after redrive ${now.afterRedrive})` : ""}` : "no longer a scenario"}`,
        );
      }
    }
  } finally {
    await harness.stop();
  }
  const checkedFlows = flows.filter((f) => last.clean.some((r) => r.flow === f.name)).map((f) => f.name);
  const recheck: Recheck = {
    revision: gitRevision(),
    at: new Date().toISOString(),
    flows: checkedFlows,
    rechecked,
  };
  writeFileSync(resolve(reports, "faults-recheck.json"), JSON.stringify(recheck, null, 2));
  if (!values["no-doc"]) writeSection("recheck", recheckSection(last, recheck));
  process.exit(0);
}

const harness = await Harness.start();
try {
  const run = await runMatrix(harness, {
    flows,
    log: (line) => console.log(line),
    checkpoint: (sofar) => {
      mkdirSync(reports, { recursive: true });
      writeFileSync(resolve(reports, "faults.partial.json"), JSON.stringify(sofar, null, 2));
    },
    ...(values.class || values.target
      ? {
          filter: (s) =>
            s.fault.target !== "none" &&
            (!values.class || values.class.includes(s.fault.className)) &&
            (!values.target ||
              values.target.includes(
                s.fault.target === "aws" ? `${s.fault.rule.service}.${String(s.fault.rule.action)}` : "Slack",
              )),
        }
      : {}),
  });
  mkdirSync(reports, { recursive: true });
  writeFileSync(resolve(reports, "faults.json"), JSON.stringify(run, null, 2));
  const bad = run.results.filter((r) => r.status !== "consistent");
  console.log(
    `\n${run.results.length} scenarios in ${Math.round(run.ms / 1000)} s: ${run.results.filter((r) => r.status === "inconsistent").length} inconsistent, ${run.results.filter((r) => r.status === "lost").length} lost`,
  );
  for (const result of bad)
    console.log(
      `  ${result.status}: ${result.flow} ${result.target} ${result.faultClass}: ${result.violations[0]?.detail ?? ""}`,
    );
  for (const result of redriveProblems(run))
    console.log(
      `  ${result.afterRedrive} after redrive: ${result.flow} ${result.target} ${result.faultClass}: ${result.afterRedriveViolations?.[0]?.detail ?? ""}`,
    );
  if (partial || values["no-doc"]) console.log("(partial run: docs/reliability.md left as it is)");
  else {
    writeSection("matrix", matrixSection(run));
    console.log("docs/reliability.md: matrix written");
  }
  // The promise is inconsistent = 0 and lost = 0: anything else fails the run (after writing it down).
  if (bad.length > 0 || redriveProblems(run).length > 0 || run.clean.some((r) => r.status !== "consistent"))
    process.exitCode = 1;
} finally {
  await harness.stop();
}
