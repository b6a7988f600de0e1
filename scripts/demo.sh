#!/usr/bin/env bash
# Runs relevé's main job once, end to end, offline: a local MongoDB-compatible server
# (nx-27017) and the bundled recorded responses of the default sources served on loopback,
# then collector → summariser → analyser on the default sources.toml. Prints the PDF's path.
#
# Everything it creates lives in .demo/ (git-ignored) except the report, in reports/demo/: in
# reports/ it would replace a real day report of the same name.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: scripts/demo.sh

Runs relevé once, end to end, offline: a local MongoDB-compatible server and
the bundled recorded responses of the default sources, then collector,
summariser and analyser. Prints where the PDF report is (reports/demo/). It
takes no options; the last demo's data in .demo/ is replaced by this one's.
USAGE
}
case "${1-}" in
  "") ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    echo "demo: unknown option \`$1\` (it takes none): see scripts/demo.sh --help" >&2
    exit 2
    ;;
esac

CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.."
home="$(pwd)"
demo="$home/.demo"

# Two demos in one checkout would share .demo/ (its server, raw folder and configuration)
# and break each other: the second waits for none and says so.
mkdir -p "$demo"
# flock(1) exits 1 when the lock is held; without it (macOS has none) the demo runs unguarded.
exec 9>"$demo/lock"
held=0
flock -n 9 2>/dev/null || held=$?
if [ "$held" -eq 1 ]; then
  echo "demo: another demo is running in $home; run it again when that one has finished" >&2
  exit 1
fi

# shellcheck source=scripts/packages.sh
. scripts/packages.sh
need_c_compiler
echo "==> Building relevé (the first build takes 5 to 10 minutes on 2 cores)"
cargo build --workspace --bins --locked --quiet
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$home/$target" ;; esac
bin="$target/debug"

rm -rf "$demo/raw" "$demo/sources.toml"
mkdir -p "$demo/raw" reports/demo

# Set before the server starts, so a failed or interrupted start leaves nothing running.
replay_pid=""
cleanup() {
  [ -z "$replay_pid" ] || kill "$replay_pid" 2>/dev/null || true
  scripts/mongo-local.sh stop "$demo/mongo" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "==> Starting the local MongoDB-compatible server (nx-27017)"
scripts/mongo-local.sh stop "$demo/mongo" >/dev/null 2>&1 || true
rm -rf "$demo/mongo"
uri="$(scripts/mongo-local.sh start "$demo/mongo" 9>&-)"

echo "==> Serving the recorded API responses on loopback"
# The last demo's address file goes first: the server's output is redirected into it only
# once the server's process has started, so the wait below could read the old address.
rm -f "$demo/replay.url"
"$bin/releve-replay" tests/fixtures/recorded >"$demo/replay.url" 2>"$demo/replay.log" 9>&- &
replay_pid=$!
# Up to 120 s (a loaded machine: once, beside a test run installing its packages, 30 s
# were not enough), unless the server stops first.
for _ in $(seq 1 1200); do
  [ -s "$demo/replay.url" ] && break
  kill -0 "$replay_pid" 2>/dev/null || break
  sleep 0.1
done
base="$(head -n1 "$demo/replay.url")"
if [ -z "$base" ]; then
  if kill -0 "$replay_pid" 2>/dev/null; then
    echo "demo: the replay server did not say its address within 120 s, see $demo/replay.log" >&2
  else
    status=0
    wait "$replay_pid" || status=$?
    echo "demo: the replay server stopped (exit status $status) before serving: $(tail -n1 "$demo/replay.log")" >&2
  fi
  exit 1
fi

# The default configuration, pointed at the replay server instead of the real APIs. The
# recorded day is a UTC day, so the demo's report is in UTC: in Europe/Paris it would cover
# 23 of the recorded hours and one hour before them.
sed -e "s#https://earthquake.usgs.gov#$base/usgs#" \
    -e 's#^timezone = "[^"]*"#timezone = "UTC"#' \
    -e "s#https://api.open-meteo.com#$base/open-meteo#" \
    -e "s#https://odre.opendatasoft.com#$base/odre#" \
    -e "s#https://data.toulouse-metropole.fr#$base/toulouse#" \
    -e "s#https://api.francetravail.io#$base/francetravail#" \
    -e "s#https://entreprise.francetravail.fr#$base/francetravail#" \
    sources.toml >"$demo/sources.toml"

export FRANCE_TRAVAIL_CLIENT_ID="demo-client" FRANCE_TRAVAIL_CLIENT_SECRET="demo-secret"
export MONGODB_URI="$uri"
# The replay server is on this machine, out of reach of a proxy the shell names (a campus's):
# on 127.0.0.1, or ::1 where the loopback has no IPv4 address (an IPv6-only machine).
export NO_PROXY="127.0.0.1,::1,localhost${NO_PROXY:+,$NO_PROXY}"
export no_proxy="127.0.0.1,::1,localhost${no_proxy:+,$no_proxy}"

# The UTC day N days before today: GNU date's -d, which BSD's (macOS) lacks, else python3's.
days_ago() {
  date -u -d "$1 days ago" +%Y-%m-%d 2>/dev/null ||
    python3 -c 'import datetime as d, sys
print(d.datetime.now(d.timezone.utc).date() - d.timedelta(days=int(sys.argv[1])))' "$1"
}

# The stages run in .demo/ with --config .demo/sources.toml: neither folder holds a .env, so
# the checkout's, the real set-up's (its MONGODB_URI, its credentials), is never read; the
# demo reads only the values exported above and the environment it was started in.
in_demo() { (cd "$demo" && "$@"); }

echo "==> collector"
# --since: the incremental Opendatasoft sources backfill from the day before yesterday.
in_demo "$bin/collector" --config "$demo/sources.toml" --raw-dir "$demo/raw" --force \
  --since "$(days_ago 2)"
echo "==> summariser"
in_demo "$bin/summariser" --config "$demo/sources.toml" --raw-dir "$demo/raw" --database releve_demo
echo "==> analyser"
# The replayed day, yesterday (UTC), named: without --date, a run before 02:00 UTC reports the
# day before it, as the crontab's jobs do while yesterday's last data may not be stored.
pdf="$(in_demo "$bin/analyser" --config "$demo/sources.toml" --raw-dir "$demo/raw" --reports-dir "$home/reports/demo" --database releve_demo \
  --date "$(days_ago 1)" | tail -n1)"

echo
echo "Report: $pdf"
