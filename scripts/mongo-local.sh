#!/usr/bin/env bash
# Runs a local MongoDB-compatible server (nx-27017, a MongoDB wire-protocol server backed by
# SQLite) for the demo and the tests. Each instance has its own folder, pid file and log file.
#
#   scripts/mongo-local.sh install                  install nx-27017 into .venv (git-ignored)
#   scripts/mongo-local.sh start DIR [PORT]         start on 127.0.0.1 (free port if none), print the URI
#   scripts/mongo-local.sh stop DIR                 stop the instance started in DIR
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
nx_version="0.8.1"
# shellcheck source=scripts/packages.sh
. "$root/scripts/packages.sh"

install() {
  if [ ! -x "$venv/bin/nx-27017" ]; then
    if ! python3 -m venv "$venv" >&2; then
      # Debian's python3 ships venv separately.
      rm -rf "$venv"
      apt_install python3-venv
      python3 -m venv "$venv" >&2
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check "nx-27017==$nx_version" >&2
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start() {
  local dir="${1:?usage: mongo-local.sh start DIR [PORT]}" port="${2:-}"
  install
  mkdir -p "$dir/data"
  dir="$(cd "$dir" && pwd)"
  if [ -f "$dir/nx.pid" ] && kill -0 "$(cat "$dir/nx.pid")" 2>/dev/null; then
    cat "$dir/uri"
    return
  fi
  [ -n "$port" ] || port="$(free_port)"
  "$venv/bin/nx-27017" --daemon --host 127.0.0.1 --port "$port" --data-dir "$dir/data" \
    --pid-file "$dir/nx.pid" --log-file "$dir/nx.log" >"$dir/start.out" 2>&1 || {
      echo "mongo-local: nx-27017 failed to start on port $port, see $dir/start.out and $dir/nx.log" >&2
      exit 1
    }
  for _ in $(seq 1 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null; then
      echo "mongodb://127.0.0.1:$port" | tee "$dir/uri"
      return
    fi
    sleep 0.1
  done
  echo "mongo-local: nx-27017 did not listen on port $port within 10 s, see $dir/nx.log" >&2
  exit 1
}

stop() {
  local dir="${1:?usage: mongo-local.sh stop DIR}"
  [ -f "$dir/nx.pid" ] || return 0
  local pid
  pid="$(cat "$dir/nx.pid")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$dir/nx.pid"
}

case "${1:-}" in
  install) install ;;
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: mongo-local.sh install | start DIR [PORT] | stop DIR" >&2; exit 2 ;;
esac
