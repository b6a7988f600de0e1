#!/usr/bin/env bash
# Archive growth: what two years of USGS (every minute), Open-Meteo (every hour) and éCO2mix
# (every 15 minutes) leave in MongoDB, and how the daily jobs fare on it. Summarises DAYS days of
# bench/year_gen.py's landed files for real into a local nx-27017, prints the documents' sizes
# per day and per year (bench/archive_growth.py), then copies those days' records and hours back
# over WEEKS weeks and times the summariser's hourly run of the day after (its last hour), then,
# under faketime the day after that, `analyser status`, the day, month and week reports of
# LAST_DAY, the month export of a source, and `collector --check`.
#   bench/archive_growth.sh WORK_DIR LAST_DAY DAYS WEEKS   e.g. /tmp/arch 2026-12-05 7 104
# LAST_DAY within the last 90 days (`runs`' TTL). BIN as in year_probe.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:?usage: archive_growth.sh WORK_DIR LAST_DAY DAYS WEEKS}"
last="${2:?last day}" days="${3:?days}" weeks="${4:?weeks}"
bin="${BIN:-${CARGO_TARGET_DIR:-$root/target}/debug}"
config="$root/bench/archive_sources.toml"
python="$root/.venv/bin/python"
raw="$work/raw" reports="$work/reports"
mkdir -p "$raw" "$reports"
uri="$("$root/scripts/mongo-local.sh" start "$work/mongo")"
trap '"$root/scripts/mongo-local.sh" stop "$work/mongo" >/dev/null 2>&1 || true' EXIT
export MONGODB_URI="$uri"
first="$(date -u -d "$last - $((days - 1)) days" +%Y-%m-%d)"
for ((d = 0; d < days; d++)); do
  day="$(date -u -d "$first + $d days" +%Y-%m-%d)"
  python3 "$root/bench/year_gen.py" "$raw" "$day" 1 0 0
  rm -rf "$raw"/toulouse-* "$raw"/france-travail-offres
  "$bin/summariser" --config "$config" --raw-dir "$raw" --database archive >>"$work/summariser.log" 2>&1
done
"$python" "$root/bench/archive_growth.py" "$uri" archive sizes "$days" | tee "$work/sizes.txt"
"$python" "$root/bench/archive_growth.py" "$uri" archive widen "$days" "$weeks"
du -sk "$work/mongo" | tee -a "$work/sizes.txt"

# measure LABEL CMD...: one line of wall time and peak RSS (GNU time)
measure() {
  local label="$1" status=0
  shift
  /usr/bin/time -f '%e %M' -o "$work/time.out" "$@" >"$work/$label.out" 2>"$work/$label.err" ||
    status=$?
  read -r wall rss < <(tail -n1 "$work/time.out") || true
  printf '%s\t%s s\t%s KB\texit %s\n' "$label" "$wall" "$rss" "$status" | tee -a "$work/results.tsv"
}
next="$(date -u -d "$last + 1 day" +%Y-%m-%d)"
# The summariser's hourly run on that history: LAST_DAY + 1 but its last hour, then that hour.
python3 "$root/bench/year_gen.py" "$raw" "$next" 1 0 0
rm -rf "$raw"/toulouse-* "$raw"/france-travail-offres
mkdir -p "$work/held"
for f in "$raw"/*/*_"${next}T23-"*; do [ -e "$f" ] || continue; mv "$f" "$work/held/"; done
"$bin/summariser" --config "$config" --raw-dir "$raw" --database archive >>"$work/summariser.log" 2>&1
for f in "$work/held"/*; do [ -e "$f" ] || continue; s="${f##*/}"; mv "$f" "$raw/${s%%_*}/"; done
measure summariser-hour "$bin/summariser" --config "$config" --raw-dir "$raw" --database archive
next="$(date -u -d "$next + 1 day" +%Y-%m-%d)"
common=(--config "$config" --raw-dir "$raw" --reports-dir "$reports" --database archive)
measure status faketime -f "@$next 02:30:00" "$bin/analyser" status "${common[@]}"
for period in day week month; do
  measure "report-$period" faketime -f "@$next 04:15:00" \
    "$bin/analyser" "${common[@]}" --period "$period" --date "$last"
done
measure export-month faketime -f "@$next 04:15:00" "$bin/analyser" export --config "$config" \
  --database archive --source eco2mix-national --period month --date "$last" --output "$work/m.csv"
measure check "$bin/collector" --check --config "$config" --raw-dir "$raw"
