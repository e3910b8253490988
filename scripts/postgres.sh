#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the service tests, installed from Debian's packages if missing.
#   bash scripts/postgres.sh start DIR   # DIR: a fresh folder for the cluster; prints the URL prefix
#   bash scripts/postgres.sh stop DIR    # stops the cluster and removes DIR
# `start` prints postgresql+psycopg://postgres@127.0.0.1:PORT/ on stdout (a free loopback port,
# trust authentication) and everything else on stderr; it exits 1, saying why, when PostgreSQL
# cannot be installed or started here, so callers can carry on with SQLite.
set -euo pipefail

pg_bin() {
  # The newest installed server's binaries, or nothing.
  { ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1
}

as_owner() {
  # postgres refuses to run as root: root runs it as the postgres user, anyone else as themselves.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

install_postgres() {
  if ! command -v apt-get >/dev/null; then
    echo "postgres.sh: no apt-get on this machine" >&2
    return 1
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if ! sudo -n true 2>/dev/null; then
      echo "postgres.sh: installing needs root (or password-less sudo)" >&2
      return 1
    fi
    sudo=(sudo -n)
  fi
  echo "postgres.sh: installing PostgreSQL (apt-get update, then apt-get install postgresql)" >&2
  timeout 300 "${sudo[@]}" apt-get update -qq >&2 || return 1
  timeout 900 "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
}

start() {
  local dir=$1 bin port
  bin=$(pg_bin)
  if [ -z "$bin" ]; then
    install_postgres || { echo "postgres.sh: PostgreSQL could not be installed" >&2; exit 1; }
    bin=$(pg_bin)
    [ -n "$bin" ] || { echo "postgres.sh: installed, but no server binaries found" >&2; exit 1; }
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    echo "postgres.sh: running as root and there is no postgres user to run the server as" >&2
    exit 1
  fi
  mkdir -p "$dir"
  [ "$(id -u)" != 0 ] || chown postgres "$dir"
  port=$("${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; echo "postgres.sh: initdb failed" >&2; exit 1; }
  # A test cluster: durability off for speed, sockets in DIR, TCP on loopback only.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2 || { cat "$dir/server.log" >&2; echo "postgres.sh: the server did not start" >&2; exit 1; }
  echo "postgresql+psycopg://postgres@127.0.0.1:$port/"
}

stop() {
  local dir=$1 bin
  bin=$(pg_bin)
  if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:?usage: postgres.sh start DIR}" ;;
  stop) stop "${2:?usage: postgres.sh stop DIR}" ;;
  *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
