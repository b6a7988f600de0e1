#!/usr/bin/env bash
# Year probe: builds months of history through the real summariser (bench/year_gen.py's landed
# files, one day at a time) into a local nx-27017, and at each checkpoint measures what cron runs
# every hour or day against that history: the summariser's usual hourly run (the files landed in
# the checkpoint day's last hour), the analyser's day, week and month reports and
# `analyser status` (under faketime, at the checkpoint), and `collector --check`; wall time and
# peak RSS from GNU time, then the sizes of the collections, raw/ and reports/.
#   bench/year_probe.sh WORK_DIR FIRST_DAY DAYS CHECKPOINT...   (checkpoints in days loaded)
#   e.g. bench/year_probe.sh /tmp/year 2026-09-10 88 75 88   (checkpoints' days on or after
#   2026-11-22: the analyser stops at a clock before relevé's first day)
# LOADED_BEFORE=N continues a WORK_DIR that already holds N days (FIRST_DAY is then day N+1).
# BIN (default $CARGO_TARGET_DIR/debug or target/debug) names the binaries' folder. Every
# command runs with at most 4 GB of address space. WORK_DIR keeps the raw folder, the reports,
# the nx-27017 data (stopped at exit) and results.tsv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: year_probe.sh WORK_DIR FIRST_DAY DAYS CHECKPOINT...}"
first="${2:?first day}" days="${3:?days}"
shift 3
checkpoints=" $* "
bin="${BIN:-${CARGO_TARGET_DIR:-$root/target}/debug}"
config="$root/bench/year_sources.toml"
raw="$work/raw" reports="$work/reports" held="$work/held"
mkdir -p "$raw" "$reports" "$held"
command -v faketime >/dev/null || { echo "${0##*/}: needs faketime (apt-get install faketime)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "${0##*/}: needs GNU time (apt-get install time)" >&2; exit 1; }
uri="$("$root/scripts/mongo-local.sh" start "$work/mongo")"
trap '"$root/scripts/mongo-local.sh" stop "$work/mongo" >/dev/null 2>&1 || true' EXIT
export MONGODB_URI="$uri"
ulimit -v 4000000
results="$work/results.tsv"
[ -f "$results" ] || printf 'days\tstage\twall_s\tpeak_rss_kb\texit\n' >"$results"

# measure LABEL LOADED CMD...: one row of results.tsv
measure() {
  local label="$1" loaded="$2" status=0
  shift 2
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$work/$label.out" 2>"$work/$label.err" || status=$?
  read -r wall rss < <(tail -n1 "$work/time.out") || true
  printf '%s\t%s\t%s\t%s\t%s\n' "$loaded" "$label" "$wall" "$rss" "$status" | tee -a "$results"
}

summarise=("$bin/summariser" --config "$config" --raw-dir "$raw" --database year)

for ((d = 0; d < days; d++)); do
  day="$(date -u -d "$first + $d days" +%Y-%m-%d)"
  loaded=$((${LOADED_BEFORE:-0} + d + 1))
  python3 "$root/bench/year_gen.py" "$raw" "$day" 1
  if [[ "$checkpoints" != *" $loaded "* ]]; then
    "${summarise[@]}" >>"$work/summariser.log" 2>&1
    continue
  fi
  # Hold back the files landed in the day's last hour: the next hourly run's share.
  for f in "$raw"/*/*_"${day}T23-"*; do mv "$f" "$held/"; done
  "${summarise[@]}" >>"$work/summariser.log" 2>&1
  for f in "$held"/*; do s="${f##*/}"; s="${s%%_*}"; mv "$f" "$raw/$s/"; done
  measure summariser-hour "$loaded" "${summarise[@]}"
  next="$(date -u -d "$day + 1 day" +%Y-%m-%d)"
  measure analyser-status "$loaded" faketime -f "@$next 02:30:00" "$bin/analyser" status --config "$config" --raw-dir "$raw" --reports-dir "$reports" --database year
  measure analyser-day "$loaded" faketime -f "@$next 04:15:00" "$bin/analyser" --config "$config" --raw-dir "$raw" --reports-dir "$reports" --database year --period day --date "$day"
  measure analyser-week "$loaded" faketime -f "@$next 04:25:00" "$bin/analyser" --config "$config" --raw-dir "$raw" --reports-dir "$reports" --database year --period week --date "$day"
  measure analyser-month "$loaded" faketime -f "@$next 04:35:00" "$bin/analyser" --config "$config" --raw-dir "$raw" --reports-dir "$reports" --database year --period month --date "$day"
  measure collector-check "$loaded" "$bin/collector" --check --config "$config" --raw-dir "$raw"
  "$root/.venv/bin/python" - "$uri" "$loaded" <<'EOF' | tee -a "$work/sizes.txt"
import sys, pymongo
db = pymongo.MongoClient(sys.argv[1]).year
print(f"days={sys.argv[2]}", " ".join(f"{c}={db[c].estimated_document_count()}" for c in sorted(db.list_collection_names())))
EOF
  du -sk "$work/mongo/data" "$raw" "$reports" | tee -a "$work/sizes.txt"
done
