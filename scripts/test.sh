#!/usr/bin/env bash
# The whole suite: types, lint and formatting, then jest (unit and integration, against real servers started for the run).
# With --fast, the fast tier: the same checks, then the unit and inject() tests, which need no servers.
# Ends with the plain line "N passed, N failed" from jest's JSON results, and fails when no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."

jest_args=("$@")
if [[ ${1:-} == --fast ]]; then
  jest_args=(--globalSetup=./test/support/no-servers.ts --globalTeardown=./test/support/no-servers.ts test/unit "${@:2}")
fi

npx --no-install tsc --noEmit || exit 1
npx --no-install eslint . || exit 1
npx --no-install prettier --check . || { echo 'run: npm run format' >&2; exit 1; }

results=$(mktemp)
# jest reports to stderr; with --json it also prints the raw results to stdout, which we summarise below instead.
npx --no-install jest --maxWorkers=2 --json --outputFile="$results" "${jest_args[@]}" >/dev/null
status=$?
node -e '
  const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' "$results" || status=1
rm -f "$results"
exit $status
