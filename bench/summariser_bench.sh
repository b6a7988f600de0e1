#!/usr/bin/env bash
# Summariser benchmark: generates a day of raw files, then measures (1) parse + aggregate in
# memory against a bare serde_json parse, (2) the whole run against a fresh local nx-27017,
# (3) the Python peer (bench/peer_summariser.py) on the same files, (4) the database floor:
# the distinct records alone, inserted by bench/nx_insert_floor.py, in full and reduced to their
# identity fields (what one document costs whatever it holds). Peak RSS and CPU time via
# /usr/bin/time -v.
#   bench/summariser_bench.sh [WORK_DIR]      (default /tmp/releve-summariser-bench)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/tmp/releve-summariser-bench}"
config="$root/bench/summariser_sources.toml"
python="$root/.venv/bin/python"   # the venv scripts/mongo-local.sh installs holds pymongo
rm -rf "$work" && mkdir -p "$work"
cd "$root"
cargo build --release -p summariser --bin summariser --example summariser_parse
"$root/scripts/mongo-local.sh" install
python3 "$root/bench/summariser_gen.py" "$work/raw"
du -sh "$work/raw"/*
rss() { /usr/bin/time -v "$@" 2> >(grep -E "Maximum resident|Elapsed|User time|System time|Summarised a source" >&2); }

echo "== parse + aggregate (no database) =="
rss target/release/examples/summariser_parse "$config" "$work/raw" parse
echo "== bare serde_json parse into Value (from memory, then from a reader) =="
rss target/release/examples/summariser_parse "$config" "$work/raw" bare
rss target/release/examples/summariser_parse "$config" "$work/raw" bare-reader
echo "== Python peer, parse + aggregate only =="
rss "$python" "$root/bench/peer_summariser.py" "$config" "$work/raw" - - --parse-only

# each database measurement gets its own fresh nx-27017, so none works on a grown SQLite file
mongo() { "$root/scripts/mongo-local.sh" "$1" "$work/mongo-$2"; }
trap 'for m in rust python floor; do mongo stop $m >/dev/null 2>&1 || true; done' EXIT
echo "== whole run: summariser =="
cp -r "$work/raw" "$work/raw-rust"
uri="$(mongo start rust)"
rss target/release/summariser --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust
echo "== whole run: Python peer =="
cp -r "$work/raw" "$work/raw-python"
python_uri="$(mongo start python)"
rss "$python" "$root/bench/peer_summariser.py" "$config" "$work/raw-python" "$python_uri" bench_python
mongo stop python
echo "== database floor: the records alone, inserted with the same indexes =="
floor_uri="$(mongo start floor)"
"$python" "$root/bench/nx_insert_floor.py" "$config" "$work/raw" "$floor_uri" bench_floor
mongo stop floor
echo "== rerun on the USGS files already summarised (every record looked up, nothing to write) =="
rm -rf "$work/raw-rust" && mkdir -p "$work/raw-rust" && cp -r "$work/raw/usgs-earthquakes" "$work/raw-rust/"
rss target/release/summariser --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust
