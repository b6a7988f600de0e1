#!/usr/bin/env bash
# Benchmark of `analyser status` at scale: N sources every minute (default 100), a day of their
# runs in `runs` (1,440 each), a day of `hourly` documents, and an hour of waiting files in raw/
# (60 data + 60 metrics files per source), on a fresh local nx-27017 server.
#
#   bench/ops_status.sh [SOURCES] [RUNS_PER_SOURCE]
#
# Uses the release analyser when built (cargo build --release -p analyser), else the debug one,
# from $CARGO_TARGET_DIR when set, else target/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sources=${1:-100}
runs=${2:-1440}
target="${CARGO_TARGET_DIR:-$root/target}"
analyser="$target/release/analyser"
[ -x "$analyser" ] || analyser="$target/debug/analyser"
[ -x "$analyser" ] || { echo "build the analyser first: cargo build -p analyser" >&2; exit 1; }

# Seconds from one `date +%s.%N` to another, to the millisecond (awk: bc is not on every machine).
seconds() { awk -v from="$1" -v to="$2" 'BEGIN { printf "%.3f", to - from }'; }

work=$(mktemp -d)
"$root/scripts/mongo-local.sh" install
uri=$("$root/scripts/mongo-local.sh" start "$work/db")
trap '"$root/scripts/mongo-local.sh" stop "$work/db"; rm -rf "$work"' EXIT

start=$(date +%s.%N)
"$root/.venv/bin/python" - "$uri" "$work/site" "$sources" "$runs" <<'PY'
import datetime as dt, json, os, sys
from pymongo import MongoClient, ASCENDING
uri, site, sources, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
db = MongoClient(uri).releve
db.runs.create_index([("source", ASCENDING), ("started", ASCENDING), ("file", ASCENDING)], unique=True)
db.hourly.create_index([("source", ASCENDING), ("hour", ASCENDING)], unique=True)
now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
os.makedirs(f"{site}/raw", exist_ok=True)
with open(f"{site}/sources.toml", "w") as config:
    for s in range(sources):
        name = f"source-{s:03}"
        config.write(f'[[source]]\nname = "{name}"\nkind = "http_json"\nurl = "http://127.0.0.1:9/{name}"\n'
                     f'every = "1m"\nkey = "id"\ntime = "time"\n\n')
        documents = []
        for r in range(runs):
            started = now - dt.timedelta(minutes=60 + r)
            error = "HTTP 503" if r % 50 == 0 else None
            documents.append({"source": name, "kind": "http_json",
                              "file": None if error else f"{name}_{r}.json",
                              "started": started, "finished": started + dt.timedelta(seconds=1),
                              "duration_ms": 1000, "http_calls": 1, "retries": 0, "throttled": 0,
                              "announced": None, "records": 0 if error else 20, "coverage": None,
                              "shortfall": 0, "error": error})
        db.runs.insert_many(documents, ordered=False)
        hour0 = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=24)
        db.hourly.insert_many([{"source": name, "hour": hour0 + dt.timedelta(hours=h), "count": 20,
                                "updated_at": now} for h in range(24)])
        folder = f"{site}/raw/{name}"
        os.makedirs(folder, exist_ok=True)
        for m in range(60):
            started = now - dt.timedelta(minutes=m)
            stamp = started.strftime("%Y-%m-%dT%H-%M-%SZ")
            open(f"{folder}/{name}_{stamp}.json", "w").write("[]")
            json.dump({"source": name, "kind": "http_json", "file": f"{name}_{stamp}.json",
                       "started": started.isoformat().replace("+00:00", "Z"),
                       "finished": started.isoformat().replace("+00:00", "Z"),
                       "duration_ms": 1000, "http_calls": 1, "retries": 0, "throttled": 0,
                       "announced": None, "records": 20, "coverage": None, "shortfall": 0,
                       "error": None}, open(f"{folder}/{name}_{stamp}.metrics.json", "w"))
PY
loaded=$(date +%s.%N)
cd "$work/site"
for attempt in 1 2 3; do
    t0=$(date +%s.%N)
    # status exits 1 when a source needs attention, which this synthetic site may; its own
    # errors go to status.err, shown below.
    "$analyser" status --mongodb-uri "$uri" >"$work/status.txt" 2>"$work/status.err" || true
    t1=$(date +%s.%N)
    echo "status run $attempt: $(seconds "$t0" "$t1") s"
done
echo "fixtures: $sources sources, $((sources * runs)) runs, $((sources * 24)) hourly documents, $((sources * 120)) raw files; loaded in $(seconds "$start" "$loaded") s"
echo "binary: $analyser"
head -5 "$work/status.txt"
if [ -s "$work/status.err" ]; then
    echo "status wrote to stderr:"
    tail -5 "$work/status.err"
fi
