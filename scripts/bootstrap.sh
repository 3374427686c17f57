#!/usr/bin/env bash
# Installs what officeflow needs on a bare machine, and does nothing when it is all there:
# npm dependencies, Debian's Chromium (puppeteer never downloads a browser), and Prometheus's and Alertmanager's
# checkers (promtool, amtool), with which the suite tests the alerting rules.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1mofficeflow setup:\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".").map(Number).reduce((a, v, i) => i < 2 ? a * 1000 + v : a, 0)')
if (( node_major < 20019 )); then
  say "Node.js $(node --version) is too old: officeflow needs Node.js 20.19 or newer (see package.json engines)"; exit 1
fi

# npm dependencies, installed again only when the lockfile changed. (Not `npm ci`: the lockfile lists optional
# binaries for other platforms that a registry mirror may lack, and `npm ci` refuses to install without them.)
stamp=node_modules/.officeflow-lock.sha
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  say "installing npm dependencies"
  PUPPETEER_SKIP_DOWNLOAD=true npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# Chromium's headless shell for the browser robots and PDF printing (a full Chromium in CHROME_PATH works too).
chrome=${CHROME_PATH:-/usr/lib/chromium/chromium-headless-shell}
if [[ ! -x $chrome ]]; then
  if [[ -n ${CHROME_PATH:-} ]] || ! command -v apt-get >/dev/null; then
    say "no Chromium at $chrome: install Chromium's headless shell (or Chromium) and set CHROME_PATH to it"; exit 1
  fi
  say "installing Debian's chromium-headless-shell"
  sudo=$([[ $(id -u) == 0 ]] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-liberation >/dev/null
fi

# Tools the suite runs, from Debian: installs `packages` unless every one of `commands` is on the PATH.
from_debian() {
  local commands=$1 packages=$2 why=$3 missing=
  for command in $commands; do command -v "$command" >/dev/null || missing=1; done
  [[ -z $missing ]] && return 0
  if ! command -v apt-get >/dev/null; then say "no $commands: install them ($why)"; exit 1; fi
  say "installing Debian's $packages ($why)"
  local sudo; sudo=$([[ $(id -u) == 0 ]] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
}
# Their servers are not started: the suite tests deploy/prometheus/alerts.yml with promtool and amtool.
from_debian "promtool amtool" "prometheus prometheus-alertmanager" "the suite tests the alerting rules with them"
from_debian sqlite3 sqlite3 "the suite reads the OCEL 2.0 SQLite export with it"
# The Temporal CLI is found or built (go install) by the engine itself when it starts a local dev server.
