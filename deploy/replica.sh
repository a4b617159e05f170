#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL 15 cluster, on another port of this machine.
#
#   deploy/replica.sh up        # create (pg_basebackup) and start it; safe to run again
#   deploy/replica.sh status    # is it running, is it streaming, how far behind
#   deploy/replica.sh down      # stop it, delete its data directory and the primary's slot
#
# Then point the app at it:  JIAOYAN_REPLICA_URL=postgres://postgres@127.0.0.1:5433/<same db name>
# (jiaoyan/db_router.py sends the list and analysis pages' reads there; docs/scaling.md).
#
# Streaming replication copies the whole cluster (every database in it), as a standby on another
# machine would. The primary needs wal_level=replica (PostgreSQL's default) and a pg_hba.conf line
# allowing replication connections from 127.0.0.1; `up` adds that line if missing and reloads the
# primary (a reload, never a restart). Runs as root (it acts as the postgres user) or as postgres.
#
# Settings: PGVER (15), PRIMARY_PORT (5432), JIAOYAN_REPLICA_PORT (5433),
# JIAOYAN_REPLICA_DIR (/var/lib/postgresql/$PGVER/jiaoyan-replica).
set -euo pipefail
PGVER=${PGVER:-15}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PORT=${JIAOYAN_REPLICA_PORT:-5433}
DIR=${JIAOYAN_REPLICA_DIR:-/var/lib/postgresql/$PGVER/jiaoyan-replica}
SLOT=jiaoyan_replica
BIN=/usr/lib/postgresql/$PGVER/bin
HBA=/etc/postgresql/$PGVER/main/pg_hba.conf
LOG=/var/log/postgresql/jiaoyan-replica.log

as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
primary_sql() { as_pg psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -Atqc "$1"; }
replica_sql() { as_pg psql -h 127.0.0.1 -p "$PORT" -U postgres -Atqc "$1"; }
running() { [ -f "$DIR/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; }

up() {
  if running; then echo "replica already running on port $PORT ($DIR)"; status; return; fi
  if ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
    echo "==> allowing replication connections from 127.0.0.1 on the primary ($HBA)"
    printf '\n# added by jiaoyan deploy/replica.sh\nhost replication postgres 127.0.0.1/32 trust\n' >>"$HBA"
    primary_sql "select pg_reload_conf()" >/dev/null
  fi
  if [ ! -f "$DIR/PG_VERSION" ]; then
    echo "==> base backup of the primary into $DIR"
    rm -rf "$DIR"
    install -d -m 700 -o postgres -g postgres "$DIR" 2>/dev/null || as_pg mkdir -m 700 "$DIR"
    if [ "$(primary_sql "select count(*) from pg_replication_slots where slot_name = '$SLOT'")" = 0 ]; then
      slot=(-C -S "$SLOT")
    else
      slot=(-S "$SLOT")
    fi
    # -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile.
    as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$DIR" -R -X stream -c fast "${slot[@]}"
    # Debian keeps the configuration outside the data directory, so the copy has none: give it
    # its own (its port, local trust as on the primary, hot standby for read queries).
    as_pg tee "$DIR/postgresql.conf" >/dev/null <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 30s
shared_buffers = 256MB
max_connections = 100
primary_slot_name = '$SLOT'
CONF
    as_pg tee "$DIR/pg_hba.conf" >/dev/null <<CONF
local all all trust
host all all 127.0.0.1/32 trust
CONF
    as_pg touch "$DIR/pg_ident.conf"
  fi
  echo "==> starting the replica on port $PORT"
  as_pg "$BIN/pg_ctl" -D "$DIR" -l "$LOG" -w -t 600 start >/dev/null
  status
}

status() {
  if ! running; then echo "replica not running ($DIR)"; return 1; fi
  echo "replica running on port $PORT: in recovery = $(replica_sql "select pg_is_in_recovery()")," \
       "replay lag = $(replica_sql "select coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp())::int::text || ' s', 'none yet')")"
  primary_sql "select 'primary sees: ' || application_name || ' ' || state || ', ' || coalesce(replay_lag::text, 'no lag') from pg_stat_replication"
}

down() {
  if running; then echo "==> stopping the replica"; as_pg "$BIN/pg_ctl" -D "$DIR" -m fast -w stop >/dev/null; fi
  if [ -d "$DIR" ]; then echo "==> removing $DIR"; rm -rf "$DIR"; fi
  # A slot nobody reads would make the primary keep WAL forever.
  if [ "$(primary_sql "select count(*) from pg_replication_slots where slot_name = '$SLOT'")" != 0 ]; then
    primary_sql "select pg_drop_replication_slot('$SLOT')" >/dev/null; echo "==> dropped slot $SLOT"
  fi
  echo "replica removed"
}

case "${1:-}" in
  up) up ;;
  status) status ;;
  down) down ;;
  *) echo "usage: $0 up|status|down" >&2; exit 2 ;;
esac
