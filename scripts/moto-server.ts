/**
 * Starts the embedded AWS stand-in (moto server) on a free loopback port.
 *
 * Uses `moto_server` from the PATH when present (this project's CI image ships moto 5.2.1);
 * otherwise creates a project-local virtualenv `.venv` and installs `moto[server]` into it
 * with pip, which is what a user's laptop needs. Used by the test setup and by `npm start`.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { delimiter, dirname, join, resolve } from "node:path";

const PROJECT_ROOT = resolve(import.meta.dirname, "..");
const VENV = join(PROJECT_ROOT, ".venv");

export interface MotoServer {
  /** `http://127.0.0.1:PORT`, the value for `AWS_ENDPOINT_URL`. */
  readonly endpoint: string;
  /** The command that runs it (program and arguments), to say which moto answered. */
  readonly command: readonly string[];
  /** Clears all state (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Finds `moto_server`, installing `moto[server]` into `.venv` when it is nowhere to be found. */
export function locateMotoServer(log: (line: string) => void = () => {}): string {
  const fromPath = onPath("moto_server");
  if (fromPath) return fromPath;
  const fromVenv = join(VENV, "bin", "moto_server");
  if (existsSync(fromVenv)) return fromVenv;
  log("moto_server not found on PATH: installing moto[server] into .venv (needs PyPI access)");
  const python = onPath("python3") ?? onPath("python");
  if (!python)
    throw new Error("moto_server is not on the PATH and no python3 is available to install moto[server]");
  execFileSync(python, ["-m", "venv", VENV], { stdio: "inherit" });
  execFileSync(join(VENV, "bin", "pip"), ["install", "--quiet", "moto[server]>=5.1,<6"], {
    stdio: "inherit",
  });
  if (!existsSync(fromVenv)) throw new Error(`pip finished but ${fromVenv} does not exist`);
  return fromVenv;
}

/**
 * The Python that runs `moto_server` (the one next to it: a virtualenv's or pyenv's `bin`/`shims`),
 * else `python3` from the PATH: what a launcher script that imports moto needs.
 */
export function locateMotoPython(log: (line: string) => void = () => {}): string {
  const binDir = dirname(locateMotoServer(log));
  for (const name of ["python3", "python"]) {
    const candidate = join(binDir, name);
    if (existsSync(candidate)) return candidate;
  }
  const python = onPath("python3") ?? onPath("python");
  if (!python) throw new Error(`no python next to moto_server (${binDir}) nor on the PATH`);
  return python;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

export interface MotoServerOptions {
  readonly log?: (line: string) => void;
  /**
   * A Python script that starts moto's server itself and takes `moto_server`'s arguments (`-H`,
   * `-p`), run instead of `moto_server` by the Python that has moto. Only the scale run uses one
   * (test/faults/moto_fast_metrics.py); the test setup, the bench and `npm start` run plain moto.
   */
  readonly launcher?: string;
}

/** Starts a moto server on a free loopback port and waits until it answers. */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const args = ["-H", "127.0.0.1", "-p", String(port)];
  const [program, ...programArgs] = options.launcher
    ? [locateMotoPython(options.log), options.launcher, ...args]
    : [locateMotoServer(options.log), ...args];
  if (!program) throw new Error("no moto server command");
  const child = spawn(program, programArgs, {
    stdio: ["ignore", "ignore", "pipe"],
    // moto 5.2.1 never launches tasks; a service's single deployment reports this many running
    // tasks, so services with desiredCount <= 2 are COMPLETED and larger ones stay IN_PROGRESS
    // (how the tests and the sandbox show a deployment in progress).
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true", MOTO_ECS_SERVICE_RUNNING: "2" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilUp(endpoint, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    command: [program, ...programArgs],
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

/** Points the AWS SDK of this process at a moto endpoint with dummy credentials. */
export function useMotoEnvironment(endpoint: string, region = "eu-west-1"): void {
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ACCESS_KEY_ID = "testing";
  process.env.AWS_SECRET_ACCESS_KEY = "testing";
  process.env.AWS_SESSION_TOKEN = "testing";
  process.env.AWS_REGION = region;
  process.env.AWS_DEFAULT_REGION = region;
}
