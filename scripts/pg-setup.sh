#!/usr/bin/env bash
# A throwaway PostgreSQL 15 with pgvector for the tests.
#
#   eval "$(scripts/pg-setup.sh start)"   # prints the exports of OFFRES_TEST_DATABASE_URL and OFFRES_PG_DIR
#   scripts/pg-setup.sh stop "$OFFRES_PG_DIR"
#
# On a fresh Debian bookworm machine, as root, it installs what is missing:
# PostgreSQL 15, and pgvector built from Debian's own source package (not
# packaged for bookworm: the source comes from trixie, through a private apt
# configuration that leaves the system's sources untouched). Progress goes to
# stderr; stdout carries only the exports.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
log() { echo "pg-setup: $*" >&2; }

as_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  as_root || { log "need root to install: $*"; return 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2 || {
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >&2
  }
}

ensure_postgres() {
  [ -x "$PGBIN/initdb" ] && return 0
  log "installing PostgreSQL 15"
  apt_install postgresql-15
}

ensure_pgvector() {
  local share
  share=$("$PGBIN/pg_config" --sharedir 2>/dev/null || echo /usr/share/postgresql/15)
  [ -f "$share/extension/vector.control" ] && return 0
  log "building pgvector from Debian's source package"
  apt_install postgresql-server-dev-15 build-essential dpkg-dev
  local work apt
  work=$(mktemp -d /tmp/offres-pgvector.XXXXXX)
  apt="$work/apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
  apt-get "${opts[@]}" update -q >&2
  (cd "$work" && apt-get "${opts[@]}" source --download-only pgvector >&2 2>&1 && dpkg-source -x pgvector_*.dsc src >&2)
  make -C "$work/src" -j2 PG_CONFIG="$PGBIN/pg_config" >&2
  make -C "$work/src" install PG_CONFIG="$PGBIN/pg_config" >&2
  rm -rf "$work"
  [ -f "$share/extension/vector.control" ] || { log "pgvector did not install"; return 1; }
}

free_port() {
  local p
  for p in $(seq 55432 55531); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

start() {
  ensure_postgres
  ensure_pgvector
  local dir port run=()
  dir=$(mktemp -d /tmp/offres-pg.XXXXXX)
  port=$(free_port)
  if as_root; then
    chown postgres "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') with pgvector on 127.0.0.1:$port ($dir)"
  echo "export OFFRES_PG_DIR='$dir'"
  echo "export OFFRES_TEST_DATABASE_URL='postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable'"
}

stop() {
  local dir=${1:?usage: pg-setup.sh stop DIR}
  [ -d "$dir/data" ] || return 0
  local run=()
  as_root && run=(runuser -u postgres --)
  "${run[@]}" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
