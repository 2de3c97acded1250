#!/usr/bin/env node
// Runs before `npm start` and `npm test`: installs the npm packages on a fresh clone (or after
// package-lock.json changed), so that the README's two commands work on a machine with only
// Node.js and npm. Plain JavaScript on purpose: it may run on the machine's own Node before the
// pinned Node 22 (devDependency `node`) is installed.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const installed = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
const stale = !existsSync(installed) || statSync(lock).mtimeMs > statSync(installed).mtimeMs + 1000;
if (stale) {
  console.error("ecs-autopilot: installing npm packages (npm ci)…");
  execSync("npm ci --no-audit --no-fund", { cwd: root, stdio: "inherit" });
}
