#!/usr/bin/env bash
# Summariser benchmark: generates a day of raw files, then measures (1) parse + aggregate in
# memory against a bare serde_json parse, (2) the whole run against a fresh local nx-27017,
# (3) the Python peer (bench/peer_summariser.py) on the same files. Peak RSS via /usr/bin/time -v.
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
rss() { /usr/bin/time -v "$@" 2> >(grep -E "Maximum resident|Elapsed" >&2); }

echo "== parse + aggregate (no database) =="
rss target/release/examples/summariser_parse "$config" "$work/raw" parse
echo "== bare serde_json parse into Value (from memory, then from a reader) =="
rss target/release/examples/summariser_parse "$config" "$work/raw" bare
rss target/release/examples/summariser_parse "$config" "$work/raw" bare-reader
echo "== Python peer, parse + aggregate only =="
rss "$python" "$root/bench/peer_summariser.py" "$config" "$work/raw" - - --parse-only

uri="$("$root/scripts/mongo-local.sh" start "$work/mongo")"
trap '"$root/scripts/mongo-local.sh" stop "$work/mongo"' EXIT
echo "== whole run: summariser =="
cp -r "$work/raw" "$work/raw-rust"
rss target/release/summariser --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust
echo "== whole run: Python peer =="
cp -r "$work/raw" "$work/raw-python"
rss "$python" "$root/bench/peer_summariser.py" "$config" "$work/raw-python" "$uri" bench_python
echo "== second run on a day of new USGS snapshots (existing records to compare) =="
rm -rf "$work/raw-rust" && mkdir -p "$work/raw-rust" && cp -r "$work/raw/usgs-earthquakes" "$work/raw-rust/"
rss target/release/summariser --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust
