#!/usr/bin/env bash
# Installs what txlab needs and is missing, and nothing else: OS packages (MariaDB, Java, Maven,
# Prometheus and its MySQL exporter, librdkafka, Chromium for the tests' notebook check) through
# apt when we may, the npm dependencies (Bun among them) through npm. Safe to run again: every step checks
# first. Kafka's jars and the JMX exporter agent (Maven) and the Temporal CLI (go install) are fetched by
# `bun run stack up`, cached in ~/.m2 and ~/go/bin. Debian's prometheus packages may start system services
# (on 9090 and 9104): the stack never uses them, it runs its own on other ports under .stack/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      die "missing: $*. Install them with: sudo apt-get install -y $* (then run this again)"
    fi
  fi
  command -v apt-get >/dev/null || die "missing: $*, and this is not a Debian/Ubuntu system: install them with your package manager"
  say "installing $* (apt)"
  # a stale package list makes installs fail: refresh it once per run, quietly
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

need=()
command -v node >/dev/null || die "Node.js is required (20 or newer): install it, then run this again"
command -v npm >/dev/null || die "npm is required: install it with Node.js, then run this again"
command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || need+=(mariadb-server mariadb-client)
[ -e /usr/lib/mysql/plugin/ha_spider.so ] || need+=(mariadb-plugin-spider)
if ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then need+=(openjdk-17-jre-headless); fi
command -v mvn >/dev/null || need+=(maven)
command -v prometheus >/dev/null && command -v promtool >/dev/null || need+=(prometheus)
command -v prometheus-mysqld-exporter >/dev/null || need+=(prometheus-mysqld-exporter)
# librdkafka, the C Kafka client the producer's `--client librdkafka` loads through bun:ffi (lib/rdkafka/)
{ /sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null; } | grep -q 'librdkafka\.so\.1 ' || need+=(librdkafka1)
tools=(prometheus promtool prometheus-mysqld-exporter)
# What only the tests need (`setup.sh --tests`, from scripts/test.sh), so `npm run all` on a fresh machine
# does not wait for them: docker-compose validates compose/docker-compose.yml (no Docker engine needed or
# started), and Chromium renders every notebook page (lib/testing/browser-check.ts).
if [ "${1:-}" = "--tests" ]; then
  command -v docker-compose >/dev/null || need+=(docker-compose)
  command -v chromium >/dev/null || command -v chromium-browser >/dev/null || command -v google-chrome >/dev/null ||
    need+=(chromium)
  tools+=(docker-compose)
fi
if [ ${#need[@]} -gt 0 ]; then apt_install "${need[@]}"; fi
for bin in "${tools[@]}"; do
  command -v "$bin" >/dev/null || die "\`$bin\` is still missing after installing its package: install it, then run this again"
done

# The Temporal dev server: on PATH, already built, or built from source with Go by `stack up`.
if ! command -v temporal >/dev/null && [ ! -x "$(go env GOPATH 2>/dev/null || echo ~/go)/bin/temporal" ] && ! command -v go >/dev/null; then
  die "the Temporal CLI is not on PATH and Go is missing to build it: install Go 1.24+ (or the temporal CLI), then run this again"
fi

# npm dependencies, Bun included (pinned in package.json). Skipped when the lock file has not changed.
stamp=node_modules/.txlab-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  say "installing npm dependencies"
  # `npm ci` refuses this lock file: some optional per-platform packages of @swc/core (pulled in by
  # the Temporal worker) are not published for every platform, so the lock cannot list them all.
  npm install --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
say "ready ($(node_modules/.bin/bun --version | sed 's/^/bun /'), $(java -version 2>&1 | head -1 | sed 's/"//g'))"
