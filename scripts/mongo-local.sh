#!/usr/bin/env bash
# Runs a local MongoDB-compatible server (nx-27017, a MongoDB wire-protocol server backed by
# SQLite) for the demo and the tests. Each instance has its own folder, pid file and log file.
#
#   scripts/mongo-local.sh install                  install nx-27017 into .venv (git-ignored)
#   scripts/mongo-local.sh start DIR [PORT]         start on loopback (free port if none), print the URI
#   scripts/mongo-local.sh stop DIR                 stop the instance started in DIR
set -euo pipefail

root="$(CDPATH= cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
nx_version="0.8.1"
# shellcheck source=scripts/packages.sh
. "$root/scripts/packages.sh"

install() {
  local constraints="$root/scripts/nx-27017-constraints.txt" installed="$venv/.nx-27017-installed"
  # A venv made by a Python the pins exclude (3.10: before the pins, or before the check below,
  # its pip's install failed), or whose Python is gone (a release upgrade): its pip would say
  # the pins as versions that do not exist, and `python3 -m venv` over it keeps its Python.
  if [ -e "$venv" ] && ! python_fits "$venv/bin/python" 2>/dev/null; then
    echo "mongo-local: $venv was made by a Python other than 3.11 to 3.14, or one no longer installed: it is made again" >&2
    rm -rf "$venv"
  fi
  if [ ! -x "$venv/bin/nx-27017" ]; then
    need_python
    rm -f "$installed"
    if ! python3 -m venv "$venv" >&2; then
      # Debian's python3 ships venv separately.
      rm -rf "$venv"
      apt_install python3-venv
      python3 -m venv "$venv" >&2
    fi
  fi
  # Its dependencies are pinned too: a new pymongo or neosqlite must not change the tests. A
  # venv installed under other pins (or none) is brought to these.
  if ! { echo "nx-27017==$nx_version"; cat "$constraints"; } | cmp -s - "$installed"; then
    # pip says a package index out of reach (a lab's proxy blocking PyPI) as a version that
    # does not exist ("No matching distribution found"): said as what it most likely is. Told
    # to use no index (an air-gapped lab's folder of wheels), it says a wheel missing there so.
    if ! "$venv/bin/pip" install --quiet --disable-pip-version-check \
      -c "$constraints" "nx-27017==$nx_version" >&2; then
      case "${PIP_NO_INDEX:-}" in
        1 | [Tt][Rr][Uu][Ee] | [Yy][Ee][Ss] | [Oo][Nn])
          echo "mongo-local: pip could not install nx-27017 $nx_version and its pinned dependencies (above) from PIP_FIND_LINKS (${PIP_FIND_LINKS:-not set}), PIP_NO_INDEX being set: that folder needs their wheels for this machine's $("$venv/bin/python" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])' 2>/dev/null || echo python3), which \`pip download -d FOLDER -c scripts/nx-27017-constraints.txt nx-27017==$nx_version\` fetches on a connected machine with the same Python; then run again" >&2 ;;
        *)
          echo "mongo-local: pip could not install nx-27017 $nx_version and its pinned dependencies (above): if PyPI is out of reach from here, set HTTPS_PROXY to the network's proxy, or PIP_INDEX_URL to a mirror of PyPI (on a network without internet, PIP_NO_INDEX=1 and PIP_FIND_LINKS to a folder of their wheels), then run again (the half-made .venv is completed then)" >&2 ;;
      esac
      exit 1
    fi
    { echo "nx-27017==$nx_version"; cat "$constraints"; } >"$installed"
  fi
}

# The venv's python3 is the one on PATH: nx-27017 and its pinned dependencies need 3.11 to 3.14,
# and pip says another as a version that does not exist ("No matching distribution found").
need_python() {
  local version
  if ! command -v python3 >/dev/null; then
    echo "mongo-local: python3 is missing: install Python 3.11 to 3.14 (Debian: sudo apt-get install python3 python3-venv; Fedora: sudo dnf install python3; Arch: sudo pacman -S python; Alpine: apk add python3), then run again" >&2
    exit 1
  fi
  # A python3 that does not run (a pyenv shim of a version not installed) says why itself.
  if ! version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"; then
    echo "mongo-local: python3 ($(command -v python3)) did not run (above): once it does, as Python 3.11 to 3.14, run again" >&2
    exit 1
  fi
  if ! python_fits python3; then
    echo "mongo-local: python3 here is $version, and nx-27017 $nx_version and its pinned packages need 3.11 to 3.14 (Debian 12's or 13's python3, Ubuntu 24.04's): put one first on PATH, then run again" >&2
    exit 1
  fi
}

# Whether the python $1 is one nx-27017 and its pins install in.
python_fits() {
  "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] < (3, 15))'
}

# Whether the process $1 is an nx-27017 server: a pid file left by one that did not end (a
# power cut) names a number another program may hold since. Where its command line cannot be
# read (no /proc, no ps), it is taken for one, as before.
is_server() {
  local args
  kill -0 "$1" 2>/dev/null || return 1
  if [ -r "/proc/$1/cmdline" ]; then
    args="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 0
  elif command -v ps >/dev/null; then
    args="$(ps -o args= -p "$1" 2>/dev/null)" || return 1
  else
    return 0
  fi
  case "$args" in
    *nx-27017*) return 0 ;;
    *) return 1 ;;
  esac
}

# The loopback address served on: 127.0.0.1, else ::1 on a machine whose loopback has no IPv4
# address (an IPv6-only server or container); nothing when neither can be bound.
loopback() {
  python3 -c 'import socket
for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    try:
        socket.socket(family).bind((host, 0))
    except OSError:
        continue
    print(host)
    break'
}

# The URI of a server on HOST (an IPv6 address in brackets) and PORT.
uri_of() {
  case "$1" in
    *:*) echo "mongodb://[$1]:$2" ;;
    *) echo "mongodb://$1:$2" ;;
  esac
}

free_port() {
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.bind((sys.argv[1], 0)); print(s.getsockname()[1]); s.close()' "$1"
}

# Whether a MongoDB server answers a ping on HOST:PORT within 10 s (the driver tries again
# until then: a slow first answer on a loaded machine is not a failed start).
answers_mongodb() {
  "$venv/bin/python" -c 'import sys, pymongo
pymongo.MongoClient(sys.argv[1], serverSelectionTimeoutMS=10000).admin.command("ping")' \
    "$(uri_of "$1" "$2")" >/dev/null 2>&1
}

# Launches nx-27017 on HOST and PORT for DIR. It daemonises: its command returns before the server
# binds, a bind failure shows only in its log, and another server may hold the port by then.
# Up once this launch's log says it listens, its pid is alive and the port answers MongoDB.
launch() {
  local dir="$1" host="$2" port="$3" logged
  # wc, not GNU stat's -c, which macOS's stat lacks (its size would read 0, and an old
  # failure in the log would be taken for this launch's).
  logged=0
  if [ -f "$dir/nx.log" ]; then
    logged="$(wc -c <"$dir/nx.log" | tr -d ' ')"
  fi
  rm -f "$dir/nx.pid"
  "$venv/bin/nx-27017" --daemon --host "$host" --port "$port" --data-dir "$dir/data" \
    --pid-file "$dir/nx.pid" --log-file "$dir/nx.log" >"$dir/start.out" 2>&1 || return 1
  for _ in $(seq 1 100); do
    case "$(tail -c "+$((logged + 1))" "$dir/nx.log" 2>/dev/null)" in
      *"address already in use"* | *Traceback*) return 1 ;;
      *"Listening on $host:$port"*)
        kill -0 "$(cat "$dir/nx.pid" 2>/dev/null)" 2>/dev/null && answers_mongodb "$host" "$port"
        return ;;
    esac
    sleep 0.1
  done
  return 1
}

start() {
  local dir="${1:?usage: mongo-local.sh start DIR [PORT]}" given="${2:-}" host port tried="" tries=1
  install
  host="$(loopback)"
  if [ -z "$host" ]; then
    echo "mongo-local: neither 127.0.0.1 nor ::1 can be listened on here: the loopback interface is down or has no address (\`ip addr show lo\` says; \`ip link set lo up\` as root brings it up), then run again" >&2
    exit 1
  fi
  mkdir -p "$dir/data"
  dir="$(cd "$dir" && pwd)"
  if [ -f "$dir/nx.pid" ] && is_server "$(cat "$dir/nx.pid")"; then
    cat "$dir/uri"
    return
  fi
  # A free port can be taken before nx-27017 binds it: a port chosen here gets a few tries.
  [ -n "$given" ] || tries=5
  for _ in $(seq 1 "$tries"); do
    port="${given:-$(free_port "$host")}"
    tried="$tried $port"
    if launch "$dir" "$host" "$port"; then
      uri_of "$host" "$port" | tee "$dir/uri"
      return
    fi
    stop "$dir"
  done
  echo "mongo-local: nx-27017 did not start as a MongoDB server on $host (tried port$tried), see $dir/nx.log and $dir/start.out" >&2
  exit 1
}

stop() {
  local dir="${1:?usage: mongo-local.sh stop DIR}"
  [ -f "$dir/nx.pid" ] || return 0
  local pid
  # The server removes its pid file as it ends, maybe since the test above.
  pid="$(cat "$dir/nx.pid" 2>/dev/null)" || return 0
  [ -n "$pid" ] || return 0
  if ! is_server "$pid"; then
    rm -f "$dir/nx.pid"
    return 0
  fi
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/nx.pid"
}

help() {
  echo "Usage: scripts/mongo-local.sh COMMAND"
  echo
  echo "Runs a local MongoDB-compatible server (nx-27017) for the demo and the tests."
  echo
  echo "  install           install nx-27017 into .venv (git-ignored)"
  echo "  start DIR [PORT]  start a server for DIR on 127.0.0.1 (::1 where loopback"
  echo "                    has no IPv4 address), on a free port if none; print its URI"
  echo "  stop DIR          stop the server started for DIR"
}

usage() {
  echo "mongo-local: $1: see scripts/mongo-local.sh --help" >&2
  exit 2
}

case "${1:-}" in
  install) [ $# -eq 1 ] || usage "install takes no argument"; install ;;
  start) [ $# -ge 2 ] && [ $# -le 3 ] || usage "start takes DIR [PORT]"; shift; start "$@" ;;
  stop) [ $# -eq 2 ] || usage "stop takes DIR"; shift; stop "$@" ;;
  -h | --help) help ;;
  "") usage "no command (install, start DIR [PORT] or stop DIR)" ;;
  *) usage "unknown command \`$1\`" ;;
esac
