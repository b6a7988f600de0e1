#!/usr/bin/env bash
# Stamped forecast: a forecast stamped by its run and keyed by both (`key = ["time",
# "run_at"]`, as the README shows), run hourly, 168 hours a run, once a week of runs is stored:
# the 167 earlier runs are summarised in one run, then the 168th alone is timed and its traffic
# with MongoDB counted each way by bench/far_mongo_proxy.py (no delay), against a fresh nx-27017.
# Each run's hours hold every earlier run's forecast of them (about 14,000 records), which its
# summaries are recomputed from. Wall time from GNU time, bytes as they pass the proxy.
#   bench/stamped_forecast.sh [WORK_DIR]     (default: a new folder in $TMPDIR, else /tmp)
# BIN (default: a release build into $CARGO_TARGET_DIR, else target/) names the summariser's
# folder. The nx-27017 data is removed at exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/releve-stamped-forecast.XXXXXX")}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
[ -x /usr/bin/time ] || { echo "${0##*/}: needs GNU time (apt-get install time)" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  (cd "$root" && cargo build --release -p summariser --bin summariser)
  BIN="${CARGO_TARGET_DIR:-$root/target}/release"
fi
config="$work/sources.toml"
cat >"$config" <<'TOML'
[[source]]
name = "toulouse-forecast-runs"
kind = "http_json"
url = "https://api.open-meteo.com/v1/forecast"
params = { latitude = "43.6045", longitude = "1.4440", hourly = "temperature_2m,precipitation,wind_speed_10m", forecast_days = "7" }
every = "1h"
records = "hourly"
columns = true
stamp = "run_at"
key = ["time", "run_at"]
time = "time"
numeric = ["temperature_2m", "precipitation", "wind_speed_10m"]
totals = ["precipitation"]
TOML
raw="$work/raw"
rm -rf "$raw" "$work/mongo/data" "$work/traffic"
mkdir -p "$raw"
uri="$("$root/scripts/mongo-local.sh" start "$work/mongo")"
proxy_pid=""
cleanup() {
  [ -z "$proxy_pid" ] || kill "$proxy_pid" 2>/dev/null || true
  "$root/scripts/mongo-local.sh" stop "$work/mongo" >/dev/null 2>&1 || true
  rm -rf "$work/mongo/data"
}
trap cleanup EXIT
port="${uri##*:}"
port="${port%%/*}"
"$root/.venv/bin/python" "$root/bench/far_mongo_proxy.py" "$port" 0 "$work/traffic" \
  >"$work/proxy.port" &
proxy_pid=$!
for _ in $(seq 1 100); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
far="mongodb://127.0.0.1:$(head -n1 "$work/proxy.port")/?directConnection=true"

# land FIRST LAST: the runs made at hours FIRST to LAST of 1 June 2025, each landed an hour
# after the one before, 168 stamped hours each (data and metrics).
land() {
  python3 - "$raw/toulouse-forecast-runs" "$1" "$2" <<'PY'
import datetime as dt, json, os, random, sys
folder, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(folder, exist_ok=True)
start = dt.datetime(2025, 6, 1)
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
for run in range(first, last + 1):
    rng = random.Random(run)
    made = start + dt.timedelta(hours=run)
    stamp = (made + dt.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    hourly = [{"time": (made + dt.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M"),
               "temperature_2m": round(rng.uniform(8, 30), 1),
               "precipitation": rng.choice([0.0, 0.0, 0.0, 0.1, 0.4, 2.3]),
               "wind_speed_10m": round(rng.uniform(0, 40), 1),
               "run_at": stamp} for h in range(168)]
    body = {"latitude": 43.6, "longitude": 1.44, "generationtime_ms": 0.1,
            "utc_offset_seconds": 0, "timezone": "GMT", "timezone_abbreviation": "GMT",
            "elevation": 146.0, "hourly": hourly}
    landed = made + dt.timedelta(seconds=3)
    name = "toulouse-forecast-runs_" + landed.strftime("%Y-%m-%dT%H-%M-%SZ")
    with open(os.path.join(folder, name + ".json"), "w") as f:
        json.dump(body, f, separators=(",", ":"))
    metrics = {"source": "toulouse-forecast-runs", "kind": "http_json", "file": name + ".json",
               "started": iso(landed - dt.timedelta(milliseconds=300)), "finished": iso(landed),
               "duration_ms": 300, "http_calls": 1, "retries": 0, "throttled": 0,
               "announced": None, "records": 168, "coverage": None, "shortfall": 0,
               "error": None, "every_s": 3600}
    with open(os.path.join(folder, name + ".metrics.json"), "w") as f:
        json.dump(metrics, f)
PY
}

# measure LABEL URI: one summariser run, its wall time and the traffic through the proxy.
measure() {
  local label="$1" status=0 before_up=0 before_down=0 up down
  [ -s "$work/traffic" ] && read -r before_up before_down <"$work/traffic"
  RUST_LOG="${RUST_LOG:-info}" /usr/bin/time -f '%e' -o "$work/time.out" \
    "$BIN/summariser" --config "$config" --raw-dir "$raw" --mongodb-uri "$2" \
    --database stamped >"$work/$label.out" 2>"$work/$label.err" || status=$?
  [ "$status" -eq 0 ] || { tail -5 "$work/$label.err" >&2; exit "$status"; }
  read -r up down <"$work/traffic"
  printf '%-9s wall %6s s  to MongoDB %9s B  from MongoDB %10s B\n' "$label" \
    "$(tail -n1 "$work/time.out")" "$((up - before_up))" "$((down - before_down))"
}

land 0 166
measure week "$far"
land 167 167
measure run-168 "$far"
land 168 168
measure run-169 "$far"
"$root/.venv/bin/python" - "$uri" <<'PY'
import sys, pymongo
db = pymongo.MongoClient(sys.argv[1]).stamped
print(" ".join(f"{c}={db[c].count_documents({})}" for c in sorted(db.list_collection_names())))
PY
