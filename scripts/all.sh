#!/usr/bin/env bash
# The README's first command (`npm run all`): install what is missing, start the embedded stack, run
# every lab in order with sizes that keep the whole run to a few minutes, and build the notebooks after
# each lab, so the first plots are there to look at while the later labs run.
# Labs 01-02 need only Kafka: they run while Temporal (built from source with Go on a fresh machine, a
# few minutes, once) and the other engines start in the background.
# Each lab writes data/NN-name.json (and keeps earlier runs under data/NN-name/); dist/notebooks/ plots them.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
bash scripts/setup.sh
export PATH="$PWD/node_modules/.bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
notebooks() {
  bun run notebooks:build >/dev/null
  if [ "${shown:-}" = "" ]; then
    shown=1
    printf '\n\033[1mThe first notebooks are ready (%ss in)\033[0m: in another terminal, in this folder:\n' "$(( $(date +%s) - started ))"
    printf '  export PATH="$PWD/node_modules/.bin:$PATH"; bun run notebooks:serve    # then open http://127.0.0.1:8080/\n'
    printf 'Each page fills in when its lab finishes (reload it).\n'
  else
    printf 'notebooks rebuilt (%ss in)\n' "$(( $(date +%s) - started ))"
  fi
}

mkdir -p .stack
step "stack: Kafka now; Temporal, MariaDB and Prometheus start in the background (log: .stack/up-background.log)"
bun run stack up temporal db >.stack/up-background.log 2>&1 &
background=$!
bun run stack up kafka

step "lab 01: topics and keyed partitioning"
bun run lab:01
notebooks

step "lab 02: producer (7-day backfill, then a 30 s live Poisson stream at 200 events/s base rate)"
bun run lab:02 --duration 30 --rate 200
notebooks

step "stack: every engine (waits for the background start)"
if ! wait "$background"; then
  cat .stack/up-background.log >&2
  exit 1
fi
cat .stack/up-background.log
bun run stack up

for lab in labs/0[3-9]-*.ts; do
  case "$lab" in *.test.ts|*-analyst.ts) continue ;; esac
  n=$(basename "$lab" .ts)
  step "lab ${n%%-*}: ${n#*-}"
  bun "$lab"
  notebooks
done

printf '\nDone in %ss. Results: data/*.json. Notebooks: bun run notebooks:serve, then open http://127.0.0.1:8080/\n' "$(( $(date +%s) - started ))"
printf 'The stack keeps running for you to explore (bun run stack status); stop it with: bun run stack down\n'
printf 'bun is in node_modules/.bin; to type the commands above, first: export PATH="$PWD/node_modules/.bin:$PATH"\n'
