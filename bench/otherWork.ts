/**
 * What else kept the machine's cores busy while the bench ran: CPU time of every process outside
 * the bench's own process tree, sampled from /proc over one second. The load average says how
 * busy the machine was; this says with what.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/** Cores used by processes outside the bench, over one second, by command. */
export interface OtherWork {
  /** Sum over every process outside the bench's tree, in cores (1 = one core busy the whole second). */
  readonly cores: number;
  /** Commands using at least a tenth of a core, busiest first. */
  readonly busiest: readonly { readonly command: string; readonly cores: number }[];
}

interface ProcessTicks {
  readonly ppid: number;
  readonly ticks: number;
}

/** utime + stime and the parent of every process /proc lists now (processes that exit meanwhile are skipped). */
function processTicks(): Map<number, ProcessTicks> {
  const out = new Map<number, ProcessTicks>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // After the command name in parentheses: state, ppid, …, utime (14th field), stime (15th).
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process exited between readdir and read.
    }
  }
  return out;
}

/**
 * A short name for a command line: the npm package of the script it runs
 * (`@stryker-mutator/core`, `vitest`), else the script's or the program's file name
 * (`moto_server`, `tsc` for `node_modules/.bin/tsc`, `stryker`).
 *
 * @example
 *   commandName(["node", "--import", "tsx", "/w/node_modules/vitest/dist/cli.js", "run"]) // "vitest"
 */
export function commandName(argv: readonly string[]): string {
  const takesValue = new Set(["--require", "-r", "--import", "--loader", "--experimental-loader"]);
  let script: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (takesValue.has(arg)) i++;
    else if (!arg.startsWith("-")) {
      script = arg;
      break;
    }
  }
  const path = script ?? argv[0] ?? "";
  const inModules = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].at(-1)?.[1];
  return inModules && inModules !== ".bin" ? inModules : basename(path);
}

function commandOf(pid: number): string {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return commandName(argv) || `pid ${pid}`;
  } catch {
    return "exited";
  }
}

function clockTicksPerSecond(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
}

/**
 * Samples /proc twice, one second apart, and sums the CPU time of every process that is neither
 * `root` nor one of its descendants (the bench and the Node processes and moto server it starts).
 *
 * @example
 *   const busy = await otherWork(process.pid); // { cores: 1.4, busiest: [{ command: "@stryker-mutator/core", cores: 1.3 }] }
 */
export async function otherWork(root: number, seconds = 1): Promise<OtherWork> {
  const before = processTicks();
  await sleep(seconds * 1000);
  const after = processTicks();
  const perSecond = clockTicksPerSecond();
  const inBench = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
      if (p === root) return true;
      p = after.get(p)?.ppid ?? before.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const byCommand = new Map<string, number>();
  let total = 0;
  for (const [pid, now] of after) {
    const then = before.get(pid);
    if (!then || inBench(pid)) continue;
    const cores = (now.ticks - then.ticks) / perSecond / seconds;
    if (cores <= 0) continue;
    total += cores;
    const command = commandOf(pid);
    byCommand.set(command, (byCommand.get(command) ?? 0) + cores);
  }
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    cores: round(total),
    busiest: [...byCommand]
      .filter(([, cores]) => cores >= 0.1)
      .sort((a, b) => b[1] - a[1])
      .map(([command, cores]) => ({ command, cores: round(cores) })),
  };
}
