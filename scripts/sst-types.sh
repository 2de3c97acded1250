#!/usr/bin/env bash
# Writes .sst/platform/config.d.ts offline, so that `tsc -p tsconfig.infra.json` checks
# sst.config.ts and infra/ against SST's real component types. `sst install` normally downloads
# Bun and Pulumi; here Bun comes from the `bun` npm package and Pulumi is a stub that only
# prints a version (nothing is deployed, no provider plugin is run).
set -euo pipefail
cd "$(dirname "$0")/.."
stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
printf '#!/bin/sh\necho v3.215.0\n' > "$stub/pulumi"
chmod +x "$stub/pulumi"
SST_TELEMETRY_DISABLED=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_STAGE="${SST_STAGE:-dev}" \
  SST_BUN_PATH="$PWD/node_modules/bun/bin/bun.exe" SST_PULUMI_PATH="$stub" \
  npx sst install >/dev/null
test -f .sst/platform/config.d.ts
echo "sst types: .sst/platform/config.d.ts"
