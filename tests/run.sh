#!/usr/bin/env bash
# The whole test suite: installs what is missing, starts a throwaway PostgreSQL (unless SECPLAT_TEST_PG
# points at one), runs every test project, and prints one "N passed, N failed" line at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh

if [ -z "${SECPLAT_TEST_PG:-}" ]; then
  eval "$(bash tests/postgres/start.sh)"
  trap 'bash tests/postgres/stop.sh >/dev/null 2>&1 || true' EXIT
fi
export SECPLAT_TEST_PG

dotnet build SecPlatform.sln -c Release -warnaserror -nologo -v quiet
log=$(mktemp)
set +e
dotnet test SecPlatform.sln -c Release --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# Sum the per-assembly summaries ("Total tests: 42" / "Passed: 42" / "Failed: 0") into one line.
awk '/^ +Passed: +[0-9]+$/ { p += $2 } /^ +Failed: +[0-9]+$/ { f += $2 } /Test Run Aborted/ { f += 1 }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
