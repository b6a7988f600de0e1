#!/usr/bin/env bash
# Archive year: lands one year of Open-Meteo's historical archive at one place (8,760 hourly
# records in one file, as the collector lands a `columns = true` answer, some hours null), then
# times the release summariser on it against a fresh nx-27017, twice: the first run (every
# record new) and a second over the same file landed again (each run of an archive source lands
# its whole range again: every record already stored, unchanged). Wall time and peak RSS from
# GNU time, then the documents of each collection. To see the round trips, run it with BIN
# naming a folder whose `summariser` wraps the real one in `strace -tt -e trace=sendto`.
#   bench/archive_year.sh [WORK_DIR]     (default: a new folder in $TMPDIR, else /tmp)
# DROPPED=1 lands the year at two stations (key = ["station", "time"], 17,520 records), then
# again at one: its hours hold twice the file's keys, the dropped station's records kept.
# BIN (default: a release build into $CARGO_TARGET_DIR, else target/) names the summariser's
# folder. WORK_DIR keeps the raw folder, the nx-27017 log and the runs' logs (RUST_LOG=debug
# for more); the nx-27017 data is removed at exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/releve-archive-year.XXXXXX")}"
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
name = "open-meteo-lyon-2025"
kind = "http_json"
url = "https://archive-api.open-meteo.com/v1/archive"
params = { latitude = "45.7640", longitude = "4.8357", start_date = "2025-01-01", end_date = "2025-12-31", hourly = "temperature_2m,precipitation" }
every = "30d"
records = "hourly"
columns = true
key = "time"
time = "time"
numeric = ["temperature_2m", "precipitation"]
totals = ["precipitation"]
units = { temperature_2m = "°C", precipitation = "mm" }
TOML
[ "${DROPPED:-0}" = 1 ] && sed -i 's/^key = "time"$/key = ["station", "time"]/' "$config"
raw="$work/raw"
rm -rf "$raw" "$work/mongo/data"
mkdir -p "$raw"
uri="$("$root/scripts/mongo-local.sh" start "$work/mongo")"
trap '"$root/scripts/mongo-local.sh" stop "$work/mongo" >/dev/null 2>&1 || true; rm -rf "$work/mongo/data"' EXIT

# land STAMP: one landed file of the year (data and metrics), named as landed at STAMP.
land() {
  python3 - "$raw/open-meteo-lyon-2025" "$1" "$2" <<'PY'
import datetime as dt, json, os, random, sys
folder, stamp, stations = sys.argv[1], sys.argv[2], sys.argv[3].split()
os.makedirs(folder, exist_ok=True)
rng = random.Random(2025)
start = dt.datetime(2025, 1, 1)
records = []
for station in stations:
  for h in range(8760):
    t = start + dt.timedelta(hours=h)
    missing = 1000 <= h < 1024   # a day the archive holds no value for
    record = {"time": t.strftime("%Y-%m-%dT%H:%M"),
              "temperature_2m": None if missing else round(rng.uniform(-8, 36), 1),
              "precipitation": None if missing else rng.choice([0.0, 0.0, 0.0, 0.1, 0.4, 2.3])}
    if station != "-":
        record["station"] = station
    records.append(record)
body = {"latitude": 45.76, "longitude": 4.84, "generationtime_ms": 21.4, "utc_offset_seconds": 0,
        "timezone": "GMT", "timezone_abbreviation": "GMT", "elevation": 173.0,
        "hourly_units": {"time": "iso8601", "temperature_2m": "°C", "precipitation": "mm"},
        "hourly": records}
name = f"open-meteo-lyon-2025_{stamp}"
with open(os.path.join(folder, name + ".json"), "w") as f:
    json.dump(body, f, ensure_ascii=False, separators=(",", ":"))
at = dt.datetime.strptime(stamp, "%Y-%m-%dT%H-%M-%SZ")
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
metrics = {"source": "open-meteo-lyon-2025", "kind": "http_json", "file": name + ".json",
           "started": iso(at - dt.timedelta(milliseconds=900)), "finished": iso(at),
           "duration_ms": 900, "http_calls": 1, "retries": 0, "throttled": 0, "announced": None,
           "records": len(records), "coverage": None, "shortfall": 0, "error": None,
           "every_s": 2592000}
with open(os.path.join(folder, name + ".metrics.json"), "w") as f:
    json.dump(metrics, f)
PY
}

# measure LABEL: one summariser run, its wall time and peak RSS.
measure() {
  local label="$1" status=0
  RUST_LOG="${RUST_LOG:-info}" /usr/bin/time -f '%e %M' -o "$work/time.out" \
    "$BIN/summariser" --config "$config" --raw-dir "$raw" --mongodb-uri "$uri" --database archive \
    >"$work/$label.out" 2>"$work/$label.err" || status=$?
  read -r wall rss < <(tail -n1 "$work/time.out")
  printf '%-7s wall %6s s  peak RSS %7s KB  exit %s\n' "$label" "$wall" "$rss" "$status"
  [ "$status" -eq 0 ] || { tail -5 "$work/$label.err" >&2; exit "$status"; }
}

if [ "${DROPPED:-0}" = 1 ]; then first_stations="lyon bron" second_stations="lyon"
else first_stations="-" second_stations="-"; fi
land 2026-01-02T03-00-00Z "$first_stations"
du -h "$raw"/open-meteo-lyon-2025/*Z.json
measure first
land 2026-02-01T03-00-00Z "$second_stations"
measure second
"$root/.venv/bin/python" - "$uri" <<'PY'
import sys, pymongo
db = pymongo.MongoClient(sys.argv[1]).archive
print(" ".join(f"{c}={db[c].count_documents({})}" for c in sorted(db.list_collection_names())))
PY
