import type { TestProject } from "vitest/node";
import { type MotoServer, startMotoServer } from "../../scripts/moto-server.ts";
import { startRecording } from "../support/iam/recordings.ts";

declare module "vitest" {
  export interface ProvidedContext {
    motoEndpoints: string[];
  }
}

const WORKERS = 2;

/** Starts one moto server per test worker, so test files on different workers never share state. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // A fresh folder for this run's recorded AWS authorizations (the IAM proof reads them).
  startRecording();
  const servers: MotoServer[] = await Promise.all(
    Array.from({ length: WORKERS }, () => startMotoServer({ log: (line) => console.log(line) })),
  );
  project.provide(
    "motoEndpoints",
    servers.map((s) => s.endpoint),
  );
  return async () => {
    await Promise.all(servers.map((s) => s.stop()));
  };
}
