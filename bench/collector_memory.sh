#!/usr/bin/env bash
# Peak memory of the collector on large answers: a ~65 MB USGS-shaped body (served whole, and
# by a USGS `query` double refusing windows past 20,000 events, asked in parts), a ~122 MB array
# of 3,000,000 tiny records (`http_json`), and Opendatasoft exports of 1,000,000 and 2,000,000
# tiny records (~40 and ~81 MB) and of 200,000 wide rows (~107 MB), and an Opendatasoft v1 page
# holding a whole selection of 10,000 records of 200 numeric fields (~24 MB), each collected by its own
# run of the release collector under GNU time, from a loopback Python server
# (bench/collector_memory.py) that builds the bodies once.
#
#   bench/collector_memory.sh [COLLECTOR_BINARY]
#   CASES="rows wide" bench/collector_memory.sh    (some cases only)
#
# Without an argument, builds and uses the release collector (into $CARGO_TARGET_DIR when set,
# else target/). Prints, per case: peak RSS, the landed data file's size, their ratio, the wall
# time, and the start of the data file's SHA-256 (the same bytes land whatever the build).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
collector=${1:-}
if [ -z "$collector" ]; then
    cargo build --release -p collector --manifest-path "$root/Cargo.toml" >&2
    collector="${CARGO_TARGET_DIR:-$root/target}/release/collector"
fi

work=$(mktemp -d)
python3 "$root/bench/collector_memory.py" "$work/port" &
server=$!
trap 'kill "$server"; rm -rf "$work"' EXIT
while [ ! -f "$work/port" ]; do sleep 0.5; done
base="http://127.0.0.1:$(cat "$work/port")"

cat > "$work/sources.toml" <<TOML
[[source]]
name = "usgs"
kind = "http_json"
url = "$base/usgs"
records = "features"
every = "1m"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
timeout = "120s"

[[source]]
name = "fdsn"
kind = "http_json"
url = "$base/fdsnws/event/1/query"
params = { format = "geojson", starttime = "2025-11-21", endtime = "2025-11-23" }
records = "features"
every = "1m"
key = "id"
time = "properties.time"
numeric = ["properties.mag"]
timeout = "120s"

[[source]]
name = "tiny"
kind = "http_json"
url = "$base/tiny"
every = "1m"
key = "k"
time = "t"
timeout = "120s"

[[source]]
name = "export"
kind = "opendatasoft"
url = "$base"
dataset = "tiny"
every = "1m"
key = "k"
time = "t"
timeout = "120s"

[[source]]
name = "rows"
kind = "opendatasoft"
url = "$base"
dataset = "rows"
every = "1m"
key = "k"
time = "t"
timeout = "120s"

[[source]]
name = "wide"
kind = "opendatasoft"
url = "$base"
dataset = "wide"
every = "1m"
key = "id"
time = "date_mesure"
numeric = ["temperature", "humidite"]
categories = ["libelle_departement"]
lon = "geo_point_2d.lon"
lat = "geo_point_2d.lat"
timeout = "120s"

[[source]]
name = "page"
kind = "ods_v1"
url = "$base"
dataset = "mesures"
rows = 10000
every = "1m"
key = "recordid"
time = "fields.date_mesure"
numeric = ["fields.m0", "fields.m199"]
timeout = "120s"
TOML

printf '%-8s %12s %12s %8s %8s  %s\n' case peak_rss_MB landed_MB ratio wall_s sha256
for name in ${CASES:-usgs fdsn tiny export rows wide page}; do
    (cd "$work" && /usr/bin/time -v -o "time-$name" "$collector" --config sources.toml \
        --raw-dir raw --source "$name" --force >"log-$name" 2>&1) || {
        echo "collector failed on $name:" >&2; cat "$work/log-$name" >&2; exit 1; }
    kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time-$name")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$work/time-$name")
    data=$(find "$work/raw/$name" -name "${name}_*.json" ! -name '*.metrics.json')
    bytes=$(stat -c %s "$data")
    sum=$(sha256sum "$data" | cut -c1-12)
    awk -v n="$name" -v k="$kib" -v b="$bytes" -v w="$wall" -v s="$sum" \
        'BEGIN { printf "%-8s %12.1f %12.1f %8.2f %8s  %s\n", n, k * 1024 / 1e6, b / 1e6, k * 1024 / b, w, s }'
done
