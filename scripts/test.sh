#!/usr/bin/env bash
# The README's second command (`npm test`): install what is missing, type-check, check the formatting,
# and run the whole suite with `bun test`. Unit tests need nothing; integration tests run on the real
# engines, which the preload (bunfig.toml) starts once for the run; each test isolates itself with a
# random TXLAB_PREFIX. Test files run one after another: on two cores, parallel engine tests make each
# other flaky.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export PATH="$PWD/node_modules/.bin:$PATH"
tsc --noEmit -p .

status=0
# the formatter's verdict (Biome, line width 120); `npm run format` rewrites the files
if ! biome format --log-level=none . >/dev/null 2>&1; then
  echo "format: these files are not formatted (run: npm run format):" >&2
  biome format . 2>&1 | grep -E '^\S+\.(ts|json) format' | sed 's/ format.*//; s/^/  /' >&2
  status=1
fi

report=$(mktemp)
bun test --timeout 120000 --reporter=junit --reporter-outfile="$report" "$@" || status=$?
# the failures again, with what each said, then the counts, at the end of the log (a CI log may keep
# only its tail): "tests: N passed, N failed, N skipped"
if [ -s "$report" ]; then bun scripts/test-report.ts "$report" || true; fi
rm -f "$report"
exit $status
