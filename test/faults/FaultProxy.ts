/**
 * An HTTP proxy on loopback between the AWS SDK and moto that injects the faults AWS really
 * produces, per service and action: throttling and 503 answers in the service's own protocol,
 * latency, a connection dropped before the call reaches AWS ("drop"), and one dropped after AWS
 * applied it, so the reply never arrives ("drop-after"). moto cannot produce any of these
 * itself; the SDK under test is pointed at the proxy (`AWS_ENDPOINT_URL`) while assertions read
 * moto directly.
 *
 * @example
 * const proxy = await FaultProxy.start(moto.endpoint);
 * proxy.arm([{ service: "ECS", action: "UpdateService", fault: "drop-after", times: 1 }]);
 * process.env.AWS_ENDPOINT_URL = proxy.endpoint;
 */
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { type AwsCall, identifyAwsCall, throttlingResponse, unavailableResponse } from "./awsCall.ts";

export type FaultKind = "throttle" | "5xx" | "latency" | "drop" | "drop-after";

/** The header the harness puts on every call of a Lambda execution environment's clients. */
export const ENVIRONMENT_HEADER = "x-fault-harness-environment";

/**
 * Where a Lambda execution environment is: running an invocation, idle between invocations
 * (Lambda freezes it: nothing it sends goes out), or cut off at a timeout (Lambda resets it).
 */
export type EnvironmentState = "running" | "idle" | "cut";

export const FAULT_KINDS: readonly FaultKind[] = ["throttle", "5xx", "latency", "drop", "drop-after"];

/** One fault, for the calls it matches. */
export interface FaultRule {
  /** The counter's service name (`ECS`, `DynamoDB`, …) or `*`. */
  readonly service: string;
  /** An action, a list of actions (one shared bucket), or `*`. */
  readonly action: string | readonly string[];
  readonly fault: FaultKind;
  /** Inject this many times, then let calls through; default: every matching call. */
  readonly times?: number;
  /** Let the first `after` matching calls through untouched. */
  readonly after?: number;
  /** For `latency`: the delay added before forwarding. */
  readonly latencyMs?: number;
  /** Inject on this share of the matching calls (deterministic: a seeded generator). */
  readonly probability?: number;
  /**
   * Inject only when this token bucket is empty: the model AWS documents for API throttling
   * (capacity = burst, refill = sustained rate per second). Each matching call takes a token.
   */
  readonly bucket?: { readonly capacity: number; readonly refillPerSecond: number };
}

/** What happened to one request that reached the proxy. */
export interface ProxiedCall {
  readonly service: string;
  readonly action: string;
  /** The fault injected, if any. */
  readonly fault?: FaultKind;
  /** Whether moto received (and so applied) the call. */
  readonly reachedAws: boolean;
  /** moto's status, when it answered. */
  readonly status?: number;
  readonly at: number;
  /** From the request's arrival to the proxy's answer (or the dropped connection). */
  readonly ms: number;
  /** The Lambda execution environment that sent it (see {@link ENVIRONMENT_HEADER}). */
  readonly environment?: number;
  /** Sent while its environment ran no invocation: after it ended, or after it was cut off. */
  readonly outside?: "ended" | "cut";
}

interface ArmedRule {
  readonly rule: FaultRule;
  matched: number;
  injected: number;
  tokens: number;
  refilledAt: number;
}

/** A small deterministic generator (mulberry32), so a probabilistic run can be repeated. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

export class FaultProxy {
  readonly #server: Server;
  readonly #upstream: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });
  #rules: ArmedRule[] = [];
  #random = seededRandom(1);
  #frozen = false;
  readonly #environments = new Map<number, EnvironmentState>();
  #inFlight = 0;
  #peakInFlight = 0;
  /** Every request seen since the last {@link resetLog}. */
  readonly log: ProxiedCall[] = [];

  private constructor(server: Server, upstream: string) {
    this.#server = server;
    this.#upstream = new URL(upstream);
  }

  /** Starts the proxy on a free loopback port, forwarding to `upstream` (moto's endpoint). */
  static async start(upstream: string): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined;
    const server = createServer((req, res) => {
      void proxy?.handle(req, res);
    });
    // The SDK keeps connections alive; a dropped one must not take the server down.
    server.on("clientError", (_error, socket) => socket.destroy());
    proxy = new FaultProxy(server, upstream);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return proxy;
  }

  /** `http://127.0.0.1:PORT`, the value for `AWS_ENDPOINT_URL`. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Replaces the active faults (an empty list: a plain pass-through). `seed` fixes `probability`. */
  arm(rules: readonly FaultRule[], seed = 1): void {
    const now = Date.now();
    this.#rules = rules.map((rule) => ({
      rule,
      matched: 0,
      injected: 0,
      tokens: rule.bucket?.capacity ?? 0,
      refilledAt: now,
    }));
    this.#random = seededRandom(seed);
  }

  disarm(): void {
    this.#rules = [];
  }

  /** How many times each armed rule fired. */
  injections(): number[] {
    return this.#rules.map((r) => r.injected);
  }

  /**
   * Lambda's timeout, as the proxy sees it: while frozen every request (and every reply still
   * on its way) is dropped, so nothing an invocation does after its deadline reaches AWS.
   */
  freeze(): void {
    this.#frozen = true;
  }

  thaw(): void {
    this.#frozen = false;
  }

  /** Tells the proxy where a Lambda execution environment is; calls from a non-running one are dropped. */
  setEnvironment(id: number, state: EnvironmentState): void {
    this.#environments.set(id, state);
  }

  get peakInFlight(): number {
    return this.#peakInFlight;
  }

  resetLog(): void {
    this.log.length = 0;
    this.resetPeak();
  }

  /** Starts measuring the peak number of calls in flight from now. */
  resetPeak(): void {
    this.#peakInFlight = this.#inFlight;
  }

  /** Calls by `Service.Action` (every attempt the SDK made, faulted or not). */
  attemptsByOperation(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.log) {
      const key = `${call.service}.${call.action}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#agent.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** The fault to inject on this call, if a rule says so (first matching rule decides). */
  #decide(call: AwsCall): FaultRule | undefined {
    for (const armed of this.#rules) {
      const { rule } = armed;
      if (rule.service !== "*" && rule.service !== call.service) continue;
      const actions = typeof rule.action === "string" ? [rule.action] : rule.action;
      if (!actions.includes("*") && !actions.includes(call.action)) continue;
      armed.matched++;
      if (armed.matched <= (rule.after ?? 0)) continue;
      if (rule.times !== undefined && armed.injected >= rule.times) continue;
      if (rule.bucket) {
        const now = Date.now();
        armed.tokens = Math.min(
          rule.bucket.capacity,
          armed.tokens + ((now - armed.refilledAt) / 1000) * rule.bucket.refillPerSecond,
        );
        armed.refilledAt = now;
        if (armed.tokens >= 1) {
          armed.tokens -= 1;
          continue;
        }
      }
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      armed.injected++;
      return rule;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#inFlight++;
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
    try {
      const body = await readBody(req);
      const call = identifyAwsCall(req.headers, body) ?? {
        service: "?",
        action: req.url ?? "?",
        protocol: "json" as const,
      };
      const at = Date.now();
      const header = req.headers[ENVIRONMENT_HEADER];
      const environment = typeof header === "string" ? Number(header) : undefined;
      const state = environment === undefined ? undefined : this.#environments.get(environment);
      if (environment !== undefined && (state === "idle" || state === "cut")) {
        // A frozen or reset environment's calls never reach AWS.
        this.log.push({
          service: call.service,
          action: call.action,
          fault: "drop",
          reachedAws: false,
          at,
          ms: 0,
          environment,
          outside: state === "idle" ? "ended" : "cut",
        });
        req.socket.destroy();
        return;
      }
      if (this.#frozen) {
        this.log.push({
          service: call.service,
          action: call.action,
          fault: "drop",
          reachedAws: false,
          at,
          ms: 0,
        });
        req.socket.destroy();
        return;
      }
      const rule = this.#decide(call);
      const record = (entry: Omit<ProxiedCall, "service" | "action" | "at" | "ms">) =>
        this.log.push({
          service: call.service,
          action: call.action,
          at,
          ms: Date.now() - at,
          ...(environment !== undefined ? { environment } : {}),
          ...entry,
        });
      switch (rule?.fault) {
        case "throttle":
        case "5xx": {
          const canned = rule.fault === "throttle" ? throttlingResponse(call) : unavailableResponse(call);
          record({ fault: rule.fault, reachedAws: false, status: canned.status });
          res.writeHead(canned.status, {
            ...canned.headers,
            "content-length": Buffer.byteLength(canned.body),
          });
          res.end(canned.body);
          return;
        }
        case "drop":
          record({ fault: "drop", reachedAws: false });
          req.socket.destroy();
          return;
        case "latency":
          await new Promise((r) => setTimeout(r, rule.latencyMs ?? 250));
          break;
        default:
          break;
      }
      const upstream = await this.#forward(req, body);
      if (rule?.fault === "drop-after" || this.#frozen) {
        // moto applied the call; the reply never reaches the SDK.
        record({ fault: "drop-after", reachedAws: true, status: upstream.status });
        req.socket.destroy();
        return;
      }
      record({ ...(rule ? { fault: rule.fault } : {}), reachedAws: true, status: upstream.status });
      res.writeHead(upstream.status, { ...upstream.headers, "content-length": upstream.body.length });
      res.end(upstream.body);
    } catch {
      req.socket.destroy();
    } finally {
      this.#inFlight--;
    }
  }

  #forward(
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        {
          host: this.#upstream.hostname,
          port: this.#upstream.port,
          method: req.method,
          path: req.url,
          headers: {
            ...Object.fromEntries(
              Object.entries(req.headers).filter(
                ([key]) => !HOP_BY_HOP.has(key) && key !== ENVIRONMENT_HEADER,
              ),
            ),
            "content-length": String(body.length),
          },
          agent: this.#agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (c: Buffer) => chunks.push(c));
          response.on("end", () => {
            const headers: Record<string, string | string[]> = {};
            for (const [key, value] of Object.entries(response.headers))
              if (value !== undefined && !HOP_BY_HOP.has(key)) headers[key] = value;
            resolve({ status: response.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
          response.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });
  }
}
