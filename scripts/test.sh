#!/usr/bin/env bash
# The README's second command (`npm test`): install what is missing, type-check, and run the whole
# suite with `bun test`. Unit tests need nothing; integration tests start the real engines themselves
# (once for the run) and use random topic, group, table and task-queue names.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"
tsc --noEmit -p .

report=$(mktemp)
status=0
bun test --reporter=junit --reporter-outfile="$report" "$@" || status=$?
# one closing line in the plain form any CI reads: "tests: N passed, N failed, N skipped"
if [ -s "$report" ]; then
  head -c 4096 "$report" | grep -m1 -o '<testsuites[^>]*>' | sed -E 's/.* tests="([0-9]+)".* failures="([0-9]+)" skipped="([0-9]+)".*/\1 \2 \3/' |
    { read -r total failed skipped; echo "tests: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"; }
fi
rm -f "$report"
exit $status
