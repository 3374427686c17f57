#!/usr/bin/env bash
# Records the replay fixtures (test/replay/histories): runs the integration tests that keep the histories of the runs
# they finish — the ones given, or every one that does — with RECORD_HISTORIES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
files=("$@")
if (( ${#files[@]} == 0 )); then mapfile -t files < <(grep -l 'keepHistory(' test/integration/*.test.ts); fi
RECORD_HISTORIES=1 exec bash scripts/test.sh "${files[@]}"
