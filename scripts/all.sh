#!/usr/bin/env bash
# The README's first command (`npm run all`): install what is missing, start the embedded stack, run
# every lab in order with sizes that keep the whole run to a few minutes, then build the notebooks.
# Each lab writes data/NN-name.json; the notebooks in dist/notebooks/ plot them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
started=$(date +%s)

step "stack: Kafka, MariaDB, Temporal"
bun run stack up

step "lab 01: topics and keyed partitioning"
bun run lab:01

step "lab 02: producer (7-day backfill, then a 30 s live Poisson stream at 200 events/s)"
bun run lab:02 --duration 30 --rate 200

for lab in labs/0[3-9]-*.ts; do
  case "$lab" in *.test.ts|*-analyst.ts) continue ;; esac
  n=$(basename "$lab" .ts)
  step "lab ${n%%-*}: ${n#*-}"
  bun "$lab"
done

step "notebooks"
bun run notebooks:build

printf '\nDone in %ss. Results: data/*.json. Notebooks: bun run notebooks:serve, then open http://127.0.0.1:8080/\n' "$(( $(date +%s) - started ))"
printf 'The stack keeps running for you to explore (bun run stack status); stop it with: bun run stack down\n'
printf 'bun is in node_modules/.bin; to type the commands above, first: export PATH="$PWD/node_modules/.bin:$PATH"\n'
