import { beforeAll, inject } from "vitest";
import { useMotoEnvironment } from "../../scripts/moto-server.ts";

// Every test file talks to its worker's moto server with dummy credentials, never to AWS.
const endpoints = inject("motoEndpoints");
const worker = Number(process.env.VITEST_POOL_ID ?? "1");
const endpoint = endpoints[(worker - 1) % endpoints.length];
if (!endpoint) throw new Error("no moto endpoint was provided by the global setup");
useMotoEnvironment(endpoint);
delete process.env.AWS_PROFILE;

beforeAll(async () => {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
});

// Handlers log JSON through Powertools; keep test output readable unless asked for.
process.env.POWERTOOLS_LOG_LEVEL ??= "SILENT";
