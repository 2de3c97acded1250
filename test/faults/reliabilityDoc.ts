/**
 * docs/reliability.md: the matrix and the scale run, each written by its own script into its own
 * marked section, so running one never erases the other's numbers.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { gitRevision } from "./gitRevision.ts";
import {
  AWS_FAULT_CLASSES,
  FLOWS,
  LATER_CALL_GROUPS,
  type MatrixRun,
  SLACK_FAULT_CLASSES,
} from "./matrix.ts";
import type { ScenarioResult, Status } from "./scenario.ts";

export const DOC = resolve(import.meta.dirname, "..", "..", "docs", "reliability.md");

const INTRO = `# Reliability under faults

ecs-autopilot changes production services by itself, so this page publishes how each flow
behaves when AWS, Slack or the Lambda runtime misbehave — measured, not claimed. Both sections
are generated: \`npm run test:faults\` writes the matrix, \`npm run test:scale\` the scale run.
Do not edit them by hand; rerun the scripts.
`;

/**
 * The fault class of an incoming webhook's reply lost after Slack took the message (the Slack
 * stand-in): the known limit of webhooks. Its Web API twin (`Slack API drop-after ×1`, a bot
 * token that reads the channel back) is not it, and counts like any other scenario.
 */
export const SLACK_REPLY_LOST = "Slack drop-after ×1";

/** The body of a generated section of docs/reliability.md, without its markers (undefined if absent). */
export function readSection(name: "matrix" | "recheck" | "scale"): string | undefined {
  if (!existsSync(DOC)) return undefined;
  const current = readFileSync(DOC, "utf8");
  const begin = `<!-- ${name}:begin -->`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(`<!-- ${name}:end -->`);
  return start >= 0 && stop > start ? current.slice(start + begin.length, stop).trim() : undefined;
}

/** Replaces (or appends) the section between `<!-- name:begin -->` and `<!-- name:end -->`. */
export function writeSection(name: "matrix" | "recheck" | "scale", body: string): void {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const current = existsSync(DOC) ? readFileSync(DOC, "utf8") : INTRO;
  const block = `${begin}\n${body.trim()}\n${end}`;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? `${current.slice(0, start)}${block}${current.slice(stop + end.length)}`
      : name !== "scale" && current.includes("<!-- scale:begin -->")
        ? current.replace("<!-- scale:begin -->", `${block}\n\n<!-- scale:begin -->`)
        : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
  // The project formats Markdown with Biome too (aligned tables): keep the generated page clean.
  try {
    execFileSync(
      resolve(import.meta.dirname, "..", "..", "node_modules", ".bin", "biome"),
      ["format", "--write", DOC],
      {
        stdio: "ignore",
      },
    );
  } catch {
    // Formatting is cosmetic; the numbers are written either way.
  }
}

const count = (results: readonly ScenarioResult[], status: Status) =>
  results.filter((r) => r.status === status).length;
const sum = (results: readonly ScenarioResult[], pick: (r: ScenarioResult) => number) =>
  results.reduce((total, r) => total + pick(r), 0);
const minutes = (ms: number) => `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

function row(cells: ReadonlyArray<string | number>): string {
  return `| ${cells.map((c) => String(c).replaceAll("|", "\\|").replaceAll("\n", " ")).join(" | ")} |`;
}

function summaryTable(run: MatrixRun): string[] {
  const lines = [
    row([
      "flow",
      "scenarios",
      "events in",
      "invocations",
      "actions done",
      "consistent",
      "inconsistent",
      "lost",
      "dead-lettered",
      "messages parked",
    ]),
    row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
  ];
  for (const flow of FLOWS) {
    const results = run.results.filter((r) => r.flow === flow.name);
    if (!run.clean.some((r) => r.flow === flow.name)) {
      lines.push(row([flow.name, "**not measured in this run**", "", "", "", "", "", "", "", ""]));
      continue;
    }
    lines.push(
      row([
        flow.name,
        results.length,
        sum(results, (r) => r.events),
        sum(results, (r) => r.invocations),
        sum(results, (r) => r.actionsDone),
        count(results, "consistent"),
        `**${count(results, "inconsistent")}**`,
        `**${count(results, "lost")}**`,
        sum(results, (r) => (r.deadLettered > 0 ? 1 : 0)),
        sum(results, (r) => (r.parked > 0 ? 1 : 0)),
      ]),
    );
  }
  const all = run.results;
  lines.push(
    row([
      "**all**",
      all.length,
      sum(all, (r) => r.events),
      sum(all, (r) => r.invocations),
      sum(all, (r) => r.actionsDone),
      count(all, "consistent"),
      `**${count(all, "inconsistent")}**`,
      `**${count(all, "lost")}**`,
      sum(all, (r) => (r.deadLettered > 0 ? 1 : 0)),
      sum(all, (r) => (r.parked > 0 ? 1 : 0)),
    ]),
  );
  return lines;
}

function classTable(run: MatrixRun): string[] {
  const classes = [
    ...AWS_FAULT_CLASSES.map((c) => c.name),
    ...Object.values(LATER_CALL_GROUPS),
    ...SLACK_FAULT_CLASSES.map((c) => c.name),
  ];
  // Runs recorded before classes had groups: each class is its own row.
  const groupOf = (r: ScenarioResult) => r.group ?? r.faultClass;
  const lines = [
    "Each cell: consistent / inconsistent / lost out of the scenarios of that flow and class (one per AWS action the flow calls).",
    "",
    row(["fault class", ...FLOWS.map((f) => f.name)]),
    row(["---", ...FLOWS.map(() => "---:")]),
  ];
  for (const name of classes) {
    lines.push(
      row([
        name,
        ...FLOWS.map((flow) => {
          const results = run.results.filter((r) => r.flow === flow.name && groupOf(r) === name);
          if (results.length === 0) return "–";
          const bad = count(results, "inconsistent") + count(results, "lost");
          const cell = `${count(results, "consistent")} / ${count(results, "inconsistent")} / ${count(results, "lost")}`;
          return bad > 0 ? `**${cell}**` : cell;
        }),
      ]),
    );
  }
  return lines;
}

function problems(run: MatrixRun): string[] {
  const lines: string[] = [];
  for (const flow of FLOWS) {
    if (!run.clean.some((r) => r.flow === flow.name)) continue;
    const bad = run.results.filter((r) => r.flow === flow.name && r.status !== "consistent");
    lines.push(
      `### ${flow.name}: ${bad.length} of ${run.results.filter((r) => r.flow === flow.name).length}`,
      "",
    );
    if (bad.length === 0) {
      lines.push("None.", "");
      continue;
    }
    for (const result of bad) {
      const redrive =
        result.afterRedrive !== undefined
          ? ` Dead-lettered; after a fault-free redrive of the DLQ: **${result.afterRedrive}**.`
          : "";
      lines.push(
        `- **${result.status}** — \`${result.target}\` ${result.faultClass} (fired ${result.injected}×, ${result.invocations} invocations${result.notifyInvocations ? `, ${result.notifyInvocations} of Notify` : ""}).${redrive}`,
      );
      const seen = new Set<string>();
      for (const violation of result.violations) {
        const text = `${violation.invariant.split(" ")[0]}: ${violation.detail}`;
        if (seen.has(text)) continue;
        seen.add(text);
        lines.push(`  - ${text}`);
      }
    }
    lines.push("");
  }
  return lines;
}

/** Dead-lettered scenarios whose fault-free redrive (`dlq redrive`) did not end consistent. */
export function redriveProblems(run: MatrixRun): ScenarioResult[] {
  return run.results.filter((r) => r.afterRedrive !== undefined && r.afterRedrive !== "consistent");
}

function redriveSection(run: MatrixRun): string[] {
  const bad = redriveProblems(run);
  const redriven = run.results.filter((r) => r.afterRedrive !== undefined).length;
  const lines = [
    "### After a redrive of the DLQ",
    "",
    `A scenario that failed loudly (dead-lettered) counts as consistent above; each such scenario is then redriven once, fault-free, as \`dlq redrive\` would, and judged again. ${redriven} scenarios were redriven; ${bad.length} of them did not end consistent${bad.length > 0 ? ":" : "."}`,
    "",
  ];
  for (const result of bad) {
    lines.push(
      `- **${result.afterRedrive} after redrive** — ${result.flow} \`${result.target}\` ${result.faultClass} (${result.deadLettered} event(s) dead-lettered).`,
    );
    const seen = new Set<string>();
    for (const violation of result.afterRedriveViolations ?? []) {
      const text = `${violation.invariant.split(" ")[0]}: ${violation.detail}`;
      if (seen.has(text)) continue;
      seen.add(text);
      lines.push(`  - ${text}`);
    }
  }
  if (bad.length > 0) lines.push("");
  return lines;
}

function unimplementedNote(run: MatrixRun): string[] {
  const missing = run.clean.flatMap((r) => (r.unimplemented ?? []).map((op) => `\`${op}\` (${r.flow})`));
  return missing.length === 0
    ? []
    : [
        `Not faulted, because moto 5.2.1 does not implement them (it answers every call with an error, so the flow's fallback runs in every scenario): ${missing.join(", ")}.`,
        "",
      ];
}

function invariantsSection(): string[] {
  const lines: string[] = [];
  for (const flow of FLOWS) {
    lines.push(`**${flow.name}** — ${flow.story}.`, "");
    for (const invariant of flow.invariants)
      lines.push(`- ${invariant.id} (${invariant.breaks} when broken): ${invariant.says}`);
    lines.push("");
  }
  return lines;
}

/** The matrix section of docs/reliability.md. */
export function matrixSection(run: MatrixRun): string {
  const all = run.results;
  const inconsistent = count(all, "inconsistent");
  const lost = count(all, "lost");
  // The known limit of incoming webhooks (no idempotency key): said apart, never left out.
  const slackDuplicates = all.filter(
    (r) => r.status === "inconsistent" && r.faultClass === SLACK_REPLY_LOST,
  ).length;
  // The issue's matrix is AWS's faults, injected between the SDK and moto; Slack's are counted apart.
  const aws = all.filter((r) => r.target !== "Slack");
  const slack = all.filter((r) => r.target === "Slack");
  const cleanProblems = run.clean.filter((r) => r.status !== "consistent");
  const unmeasured = FLOWS.filter((f) => !run.clean.some((r) => r.flow === f.name)).map((f) => f.name);
  return [
    "## Fault matrix",
    "",
    `Measured ${run.startedAt.slice(0, 10)} on \`${run.revision ?? gitRevision()}\` in ${minutes(run.ms)}: **${all.length} scenarios, ${inconsistent} inconsistent, ${lost} lost; ${redriveProblems(run).length} not consistent after a redrive of the DLQ.**${slackDuplicates > 0 ? ` ${slackDuplicates} of the ${inconsistent} inconsistent ${slackDuplicates === 1 ? "is" : "are"} \`${SLACK_REPLY_LOST}\`: a message an incoming webhook took whose reply was lost is shown twice (known limit above; with a bot token the channel is read back first: \`Slack API drop-after ×1\`); ${inconsistent - slackDuplicates} ${inconsistent - slackDuplicates === 1 ? "is" : "are"} not.` : ""} Of them, **AWS faults** (the proxy between the SDK and moto): ${aws.length} scenarios, ${count(aws, "inconsistent")} inconsistent, ${count(aws, "lost")} lost; **Slack faults** (the stand-in's webhook and Web API): ${slack.length} scenarios, ${count(slack, "inconsistent")} inconsistent, ${count(slack, "lost")} lost.`,
    ...(unmeasured.length > 0
      ? [
          "",
          `**Partial run: ${unmeasured.join(", ")} ${unmeasured.length === 1 ? "was" : "were"} not measured (the run was stopped before ${unmeasured.length === 1 ? "it" : "them"}); the figures below cover the other flows only.**`,
        ]
      : []),
    ...(cleanProblems.length > 0
      ? [
          "",
          `**The fault-free run itself is not consistent for: ${cleanProblems.map((r) => r.flow).join(", ")}.**`,
        ]
      : [
          "",
          "Every flow's fault-free run is consistent (the reference each fault scenario is judged against).",
        ]),
    "",
    ...summaryTable(run),
    "",
    "*events in*: events delivered to the flow's Lambda entry; *invocations*: with Lambda's retries; *actions done*: writes that reached AWS outside the state table (ECS, Application Auto Scaling, SQS); *dead-lettered*: scenarios where some event failed every attempt Lambda makes (3; 1 for right-sizing); *messages parked*: scenarios where a Slack message used up its receives in the outbox and sits in the outbox's DLQ.",
    "",
    ...unimplementedNote(run),
    "### By fault class",
    "",
    ...classTable(run),
    "",
    "### How it is measured",
    "",
    "- **The code under test is the real Lambda entry** (`functions/*.ts` → `createXHandler(createRuntime(flow))`), its runtime built from the environment as deployed: state table, DLQ, config from SSM, the Slack secret (a webhook URL, or a bot token and channel for the `Slack API` classes).",
    "- **AWS is moto 5.2.1 behind a fault proxy on loopback** (`test/faults/FaultProxy.ts`). The SDK is pointed at the proxy with `AWS_ENDPOINT_URL`; the proxy names each call by its SigV4 scope and `X-Amz-Target` / `Action=`, and per service and action injects: `throttle` (the service's own throttling error in its protocol — ECS `ThrottlingException`, DynamoDB `ProvisionedThroughputExceededException`, SQS `RequestThrottled`, …), `5xx` (503 `ServiceUnavailable`), `latency`, `drop` (connection closed before the call reaches AWS) and `drop-after` (AWS applies the call, the reply never arrives). ×1 = the first matching call only, so the SDK's own retry usually absorbs it; *always* = every attempt, so the error reaches the flow. Seeding and all assertions read moto directly, never through the proxy.",
    "- **Every action a flow calls is faulted**: the actions come from the flow's fault-free run (`ApiCallCounter`), one scenario per action and class. An action called more than once also gets a lasting 503 from its 2nd call on (one service failing after another succeeded), and a lost reply on each of its later calls one at a time for a write (up to its 20th call: a counter ADDed twice, a claim written but its reply lost), on its 2nd call for a read.",
    "- **Slack is a stand-in** (`test/faults/SlackStandIn.ts`), both an incoming webhook and the Web API of a bot token (`chat.postMessage` with message metadata, `conversations.history` with metadata and cursor pages, `ok: false` errors as Slack documents them). It can answer 503, 429 with `Retry-After`, not answer, take the message and lose the reply, take it and answer `ok: false, internal_error`, or refuse with a configuration error (`not_in_channel`); only messages Slack took count as shown. `Slack …` classes run with a webhook URL in Notify's secret, `Slack API …` classes with a bot token and channel, whose sender reads the channel back before a post that may repeat one.",
    "- **Lambda's asynchronous invocation is emulated** (`test/faults/asyncInvoke.ts`), with each function's timeout and retries as infra/ deploys them (2 retries; none for right-sizing and Notify): a handler that throws is invoked again at once (it gave its leases back), one cut off by its timeout after Lambda's own 1 and 2 minute delays and in a fresh environment; after the last attempt the event counts as dead-lettered. Every call carries its execution environment's id: what an environment sends while it runs no invocation — after its handler returned or threw (Lambda freezes it) or after a timeout cut it off (Lambda resets it) — is dropped, and the former breaks W1. A dead-lettered event is then redriven once, fault-free, as `dlq redrive` would, and the scenario judged again.",
    "- **The Slack outbox is emulated as deployed** (`test/faults/outbox.ts`): the flows queue their messages in SQS; Lambda's SQS event source hands them to the real Notify function in batches with partial batch responses (batch size and receives read from infra/); a message Slack does not take waits for its next receive, and once the fault is gone the outbox is received again until it is empty (each pass stands for a visibility timeout). A message still queued or parked in the outbox's DLQ counts as told (late, not lost); one deleted unposted breaks O1.",
    "- **Each scenario starts from a fresh account** (`POST /moto-api/reset` on the harness's own moto server) and is judged by its flow's invariants, read from the final AWS state and the Slack posts:",
    "  - *inconsistent*: an invariant about what holds is broken (a service on a deregistered revision, duplicate or orphan revisions, Slack contradicting AWS, a stop counted twice, an alert shown twice, a capacity lowered without the one to restore remembered, a rerun that does not converge);",
    "  - *lost*: an effect of an event — a change, or the message reporting it — neither happened, nor was reported as failed, nor reached the DLQ;",
    '  - *consistent*: everything else, including "failed loudly and dead-lettered".',
    "",
    "### Invariants",
    "",
    ...invariantsSection(),
    "### Every scenario that is not consistent",
    "",
    ...problems(run),
    ...redriveSection(run),
  ].join("\n");
}

/**
 * The recheck section: the last matrix run's failing scenarios, run again on the current code
 * (`npm run test:faults -- --recheck`).
 */
export interface Recheck {
  readonly revision: string;
  readonly at: string;
  /** The flows whose failures were rechecked. */
  readonly flows: readonly string[];
  readonly rechecked: ReadonlyArray<{ readonly before: ScenarioResult; readonly now?: ScenarioResult }>;
}

export function recheckSection(run: MatrixRun, recheck: Recheck): string {
  const { revision, rechecked } = recheck;
  const outcome = (r: ScenarioResult) =>
    `${r.status}${r.afterRedrive !== undefined ? ` (after redrive: ${r.afterRedrive})` : ""}`;
  // A scenario the current code no longer has (its action is not called) was not shown to pass.
  const notConsistent = (now: ScenarioResult | undefined) =>
    now === undefined ||
    now.status !== "consistent" ||
    (now.afterRedrive !== undefined && now.afterRedrive !== "consistent");
  const still = rechecked.filter((r) => notConsistent(r.now));
  const lines = [
    "## Recheck of the matrix's failures",
    "",
    `Every scenario of ${recheck.flows.join(", ")} that the matrix above (\`${run.revision ?? "?"}\`) found not consistent, or not consistent after its redrive, run again on \`${revision}\` on ${recheck.at.slice(0, 10)} (\`npm run test:faults -- --recheck\`): **${rechecked.length} rechecked, ${rechecked.length - still.length} now consistent, ${still.length} still not.** Only these scenarios were rerun; the rest of the matrix was not run on \`${revision}\`${
      FLOWS.some((f) => !recheck.flows.includes(f.name))
        ? `, and the failures of ${FLOWS.filter((f) => !recheck.flows.includes(f.name))
            .map((f) => f.name)
            .join(", ")} were not rechecked`
        : ""
    }.`,
    "",
    row(["flow", "target", "fault class", `on ${run.revision ?? "?"}`, `on ${revision}`]),
    row(["---", "---", "---", "---", "---"]),
    ...rechecked.map(({ before, now }) =>
      row([
        before.flow,
        `\`${before.target}\``,
        before.faultClass,
        outcome(before),
        now
          ? still.some((s) => s.now === now)
            ? `**${outcome(now)}**`
            : outcome(now)
          : "no longer a scenario",
      ]),
    ),
    "",
  ];
  for (const { before, now } of still) {
    if (!now) continue;
    lines.push(`- **${before.flow} \`${before.target}\` ${before.faultClass}** still:`);
    const seen = new Set<string>();
    for (const violation of [...now.violations, ...(now.afterRedriveViolations ?? [])]) {
      const text = `${violation.invariant.split(" ")[0]}: ${violation.detail}`;
      if (seen.has(text)) continue;
      seen.add(text);
      lines.push(`  - ${text}`);
    }
  }
  return lines.join("\n");
}
