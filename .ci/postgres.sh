#!/usr/bin/env bash
# Starts a PostgreSQL server that belongs to this run: a new cluster in a temporary folder, on a
# free local port, trusting local connections, stopped by stop_postgres. Installs PostgreSQL first
# when the machine has none. Sourced by .ci/run; exports SCIM_TEST_POSTGRES for the tests.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# A port nothing answers on, below the kernel's range of ports for outgoing connections
# (32768-60999 by default): a port an outgoing connection holds answers no probe, yet the server
# cannot listen on it.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Runs a command as the cluster's owner: "postgres" when this script runs as root (the server
# refuses to run as root), the current user otherwise.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin
  bin=$(pg_bin)
  if [[ -z "$bin" ]]; then
    echo "PostgreSQL is not installed: installing it."
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql || return 1
    bin=$(pg_bin)
  fi

  PG_BIN=$bin
  PG_DIR=$(mktemp -d /tmp/scim-postgres.XXXXXX)
  [[ $(id -u) -eq 0 ]] && chown postgres "$PG_DIR"
  as_owner "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }

  # A port can be taken between the probe and the server's bind: then another port, a few times.
  local attempt
  for attempt in 1 2 3 4 5; do
    PG_PORT=$(free_port) || return 1
    if as_owner "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
      break
    fi
    if [[ $attempt -eq 5 ]] || ! grep -q "could not bind" "$PG_DIR/server.log"; then
      cat "$PG_DIR/server.log"
      return 1
    fi
    echo "Port $PG_PORT was taken: trying another."
  done
  export SCIM_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres;Timeout=30;Command Timeout=120"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DIR)"
}

stop_postgres() {
  if [[ -n "${PG_DIR:-}" && -d "$PG_DIR/data" ]]; then
    as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
    rm -rf "$PG_DIR"
  fi
}
