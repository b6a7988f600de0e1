#!/usr/bin/env bash
# The demo's day report read from a MongoDB far away: the demo's database (scripts/demo.sh, run
# once before) served by nx-27017 behind bench/far_mongo_proxy.py, which holds every chunk
# DELAY_MS each way (100 ms a round trip by default), and the report written by each ANALYSER
# given (a build before a change and one after), in turns, ROUNDS times (default 3).
#
#   bench/analyser_far.sh ANALYSER... (env: DELAY_MS=50 ROUNDS=3)
#
# Prints each run's wall time, and one run of each straight to the server (no delay).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
delay=${DELAY_MS:-50}
rounds=${ROUNDS:-3}
[ $# -gt 0 ] || { echo "usage: bench/analyser_far.sh ANALYSER..." >&2; exit 2; }
demo="$root/.demo"
day="$(ls "$root/reports/demo/" 2>/dev/null | sed -n 's/^\([0-9-]*\)\.pdf$/\1/p' | sort | tail -n1)"
[ -d "$demo/mongo" ] && [ -n "$day" ] || { echo "run scripts/demo.sh first" >&2; exit 1; }

# Seconds from one `date +%s.%N` to another, to the millisecond.
seconds() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.3f", to - from }'; }

work=$(mktemp -d)
proxy_pid=""
cleanup() {
  [ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null || true
  "$root/scripts/mongo-local.sh" stop "$work/mongo" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# A copy: the demo's own data is left as the demo left it.
"$root/scripts/mongo-local.sh" stop "$demo/mongo" >/dev/null 2>&1 || true
cp -r "$demo/mongo" "$work/mongo"
rm -f "$work/mongo"/*.pid
near="$("$root/scripts/mongo-local.sh" start "$work/mongo")"
port="${near##*:}"
port="${port%%/*}"
"$root/.venv/bin/python" "$root/bench/far_mongo_proxy.py" "$port" "$delay" >"$work/proxy.port" &
proxy_pid=$!
for _ in $(seq 1 100); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
far="mongodb://127.0.0.1:$(head -n1 "$work/proxy.port")/?directConnection=true"

# Writes the demo's day report with analyser $1 from $2, and says how long it took.
report() {
  local reports="$work/reports" start end status=0
  rm -rf "$reports"
  start=$(date +%s.%N)
  (cd "$demo" && "$1" --config "$demo/sources.toml" --raw-dir "$demo/raw" --reports-dir "$reports" \
    --database releve_demo --mongodb-uri "$2" --date "$day" >/dev/null 2>"$work/stderr") || status=$?
  end=$(date +%s.%N)
  echo "$(seconds "$start" "$end") s (exit $status) $1"
}

echo "The demo's day $day, ${delay} ms each way:"
for analyser in "$@"; do echo "no delay: $(report "$analyser" "$near")"; done
for round in $(seq 1 "$rounds"); do
  for analyser in "$@"; do echo "round $round: $(report "$analyser" "$far")"; done
done
