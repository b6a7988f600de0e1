#!/usr/bin/env bash
# Summariser benchmark: generates a day of raw files, then measures (1) parse + aggregate in
# memory against a bare serde_json parse, (2) the whole run against a fresh local nx-27017,
# (3) the Python peer (bench/peer_summariser.py) on the same files, (4) the database floor:
# the distinct records alone, inserted by bench/nx_insert_floor.py, in full and reduced to their
# identity fields (what one document costs whatever it holds). Peak RSS and CPU time via
# /usr/bin/time -v (Debian's `time`, installed when missing).
#   bench/summariser_bench.sh [WORK_DIR]      (default: a new folder in $TMPDIR, else /tmp)
# FT_FILES=10 cuts the France Travail day into ten files (default 1): several batches touch the
# same hours, which are then read back from `records` once at the end of the run.
# The binaries are built into $CARGO_TARGET_DIR when set, else target/. At exit, the copies of
# the raw folder and the nx-27017 data (about 1 GB) are removed, and the default work folder
# with them (but for the nx-27017 logs when the script failed past starting one). A given
# WORK_DIR must be new, empty or made by an earlier run (it holds .summariser-bench): it keeps
# the generated raw folder and the nx-27017 logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
config="$root/bench/summariser_sources.toml"
python="$root/.venv/bin/python"   # the venv scripts/mongo-local.sh installs holds pymongo
target="${CARGO_TARGET_DIR:-$root/target}"
# shellcheck source=scripts/packages.sh
. "$root/scripts/packages.sh"

ft_files="${FT_FILES:-1}"
case "$ft_files" in
  '' | *[!0-9]*) ft_files=0 ;;
  *) if [ "${#ft_files}" -le 6 ]; then ft_files=$((10#$ft_files)); else ft_files=0; fi ;;
esac
if [ "$ft_files" -lt 1 ]; then
  echo "${0##*/}: FT_FILES must be a whole number of files from 1 to 999999 (got '${FT_FILES:-}')" >&2
  exit 1
fi
given="${1:-}"
if [ -z "$given" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/releve-summariser-bench.XXXXXX")"
elif [ -f "$given/.summariser-bench" ]; then
  rm -rf "$given" && mkdir -p "$given"
elif [ -e "$given" ] && { [ ! -d "$given" ] || [ -n "$(ls -A "$given")" ]; }; then
  echo "${0##*/}: $given exists and is neither an empty folder nor one this script made (no .summariser-bench in it): give a new or empty folder" >&2
  exit 1
else
  mkdir -p "$given"
fi
work="$(cd "${work:-$given}" && pwd)"
touch "$work/.summariser-bench"

# each database measurement gets its own fresh nx-27017, so none works on a grown SQLite file
mongo() { "$root/scripts/mongo-local.sh" "$1" "$work/mongo-$2"; }
cleanup() {
  local status=$?
  for m in rust python floor; do
    mongo stop $m >/dev/null 2>&1 || true
    rm -rf "$work/mongo-$m/data"
  done
  rm -rf "$work/raw-rust" "$work/raw-python"
  if [ -n "$given" ]; then
    echo "${0##*/}: the generated raw folder and the nx-27017 logs are kept in $work" >&2
  elif [ "$status" -ne 0 ] && compgen -G "$work/mongo-*" >/dev/null; then
    rm -rf "$work/raw"
    echo "${0##*/}: the nx-27017 logs are kept in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Runs a command under /usr/bin/time -v and shows the lines measured. A failure is said in one
# line followed by the command's stderr, which the filter would otherwise hide (set -e would
# stop the script without a word).
rss() {
  local status=0
  /usr/bin/time -v "$@" 2>"$work/stderr" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "${0##*/}: failed with exit status $status: $*" >&2
    sed '/^\tCommand being timed:/,$d; /^Command exited with non-zero status/d' "$work/stderr" | tail -20 >&2
    exit "$status"
  fi
  grep -E "Maximum resident|Elapsed|User time|System time|Summarised a source" "$work/stderr" >&2 || true
}

[ -x /usr/bin/time ] || apt_install time
# The peer and the floor read the config with tomllib (Python 3.11); the venv is made from python3.
venv_python="$python"
[ -x "$venv_python" ] || venv_python=python3
if ! "$venv_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "${0##*/}: the Python peer needs Python 3.11 or later (tomllib); $venv_python is $("$venv_python" -V 2>/dev/null || echo missing): install Python 3.11 or later as python3 (Debian 12 or later), remove $root/.venv if it was made from an older one, and run again" >&2
  exit 1
fi
"$root/scripts/mongo-local.sh" install
need_c_compiler
cd "$root"
cargo build --release -p summariser --bin summariser --example summariser_parse
python3 "$root/bench/summariser_gen.py" "$work/raw" 40000 "$ft_files"
du -sh "$work/raw"/*

echo "== parse + aggregate (no database) =="
rss "$target/release/examples/summariser_parse" "$config" "$work/raw" parse
echo "== bare serde_json parse into Value (from memory, then from a reader) =="
rss "$target/release/examples/summariser_parse" "$config" "$work/raw" bare
rss "$target/release/examples/summariser_parse" "$config" "$work/raw" bare-reader
echo "== Python peer, parse + aggregate only =="
rss "$python" "$root/bench/peer_summariser.py" "$config" "$work/raw" - - --parse-only

echo "== whole run: summariser =="
cp -r "$work/raw" "$work/raw-rust"
uri="$(mongo start rust)"
rss "$target/release/summariser" --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust
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
# The same raw folder (its hidden files kept: the database is summarised from it), its
# source folders emptied.
empty_raw_rust() { find "$work/raw-rust" -mindepth 1 -maxdepth 1 ! -name '.*' -exec rm -rf {} +; }
empty_raw_rust && cp -r "$work/raw/usgs-earthquakes" "$work/raw-rust/"
rss "$target/release/summariser" --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust
echo "== --resummarise: every stored hour of the day summarised again from records (no files) =="
empty_raw_rust
rss "$target/release/summariser" --config "$config" --raw-dir "$work/raw-rust" --mongodb-uri "$uri" --database bench_rust --resummarise
