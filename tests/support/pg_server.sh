#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server that the tests start and stop themselves (no system service is
# assumed). DIR is the server's folder: everything the server writes stays in it.
#
#   pg_server.sh start DIR        initdb into DIR/data and start a server on a free port of 127.0.0.1 (and a
#                                 unix socket in DIR); write its URL to DIR/url, its log to DIR/log. When
#                                 DIR/url names a server of DIR that answers, do nothing. A folder left by an
#                                 interrupted run is stopped and begun anew.
#   pg_server.sh stop DIR         stop the server at once (-m immediate) and remove DIR; no server is left
#                                 running. Nothing to do when DIR does not exist.
#   pg_server.sh kill DIR         stop the server at once (-m immediate, as a crash would), keep DIR.
#   pg_server.sh start-again DIR  start the data kept in DIR on the port it had (after kill); the URL stays.
#   pg_server.sh restart DIR      stop the server cleanly (-m fast: sessions are ended), keep the data and
#                                 start it again on the same port.
#   pg_server.sh url DIR          print the server's URL.
#   pg_server.sh replica PRIMARY_DIR DIR
#                                 make DIR a streaming replica (hot standby) of the running server of
#                                 PRIMARY_DIR: pg_basebackup -R over a replication connection (initdb -A trust
#                                 allows those from 127.0.0.1), then start it on a free port; DIR/url and
#                                 DIR/log as for start. stop, kill, start-again and restart take DIR as any
#                                 server's folder.
#
# PG_EXTRA_OPTS (environment, read by start): more settings for the new server, as whitespace-separated
# name=value words, e.g. "fsync=on synchronous_commit=on shared_buffers=1GB". They are written to
# postgresql.conf after the test settings below, so they override them (the benchmarks in bench/ use it
# for a durable server). Unset or empty: the test settings alone, as before.
#
# Other scripts may run it, or source it and call pg_server_start DIR, pg_server_stop DIR, pg_server_kill
# DIR, pg_server_start_again DIR, pg_server_restart DIR, pg_server_url DIR, pg_server_replica PRIMARY_DIR
# DIR: each runs in a subshell, leaves
# the caller's shell options alone and returns non-zero, with a message on stderr, when it fails.
#
# Why another user: initdb and postgres refuse to run as root (a server that runs code SQL can load must
# not own the machine), and the tests here run as root. So as root the server runs as the unprivileged
# `postgres` user that Debian's postgresql-15 package creates (scripts/setup installs it); DIR is given to
# that user and the folders above it must let it pass. Run by another user, the server runs as that user.

pg_server_bin=/usr/lib/postgresql/15/bin

_pg_server_fail() {
  echo "pg_server.sh: $*" >&2
  exit 1
}

# The absolute path of DIR; refuses an empty one and the root.
_pg_server_dir() {
  [ -n "${1:-}" ] || _pg_server_fail "no DIR given"
  local dir
  dir=$(realpath -m -- "$1") || _pg_server_fail "cannot resolve $1"
  [ "$dir" != / ] || _pg_server_fail "DIR must not be /"
  printf '%s\n' "$dir"
}

# Runs a command as the user the server runs as, from / (that user may not enter the current folder).
_pg_server_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

_pg_server_check_install() {
  local bin
  for bin in initdb pg_ctl postgres; do
    [ -x "$pg_server_bin/$bin" ] ||
      _pg_server_fail "PostgreSQL 15 is not installed ($pg_server_bin/$bin is missing): run scripts/setup"
  done
  [ -x "$pg_server_bin/pg_isready" ] ||
    _pg_server_fail "postgresql-client-15 is not installed ($pg_server_bin/pg_isready is missing): run scripts/setup"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      _pg_server_fail "running as root, and there is no 'postgres' user to run the server as" \
        "(initdb refuses root): install postgresql-15 (scripts/setup)"
  fi
}

# DIR answers when its URL names the server running from DIR/data and that server accepts connections.
_pg_server_answers() {
  local dir=$1
  [ -f "$dir/url" ] && [ -f "$dir/data/postmaster.pid" ] || return 1
  _pg_server_as_owner "$pg_server_bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1 || return 1
  "$pg_server_bin/pg_isready" -q -t 10 -d "$(cat "$dir/url")"
}

# Stops the server of DIR (if one runs) with pg_ctl's MODE. Should pg_ctl fail, the postmaster named in
# postmaster.pid and its children are killed, but only when that process really is this DIR's server.
_pg_server_halt() {
  local dir=$1 mode=$2 pid
  [ -f "$dir/data/postmaster.pid" ] || return 0
  if _pg_server_as_owner "$pg_server_bin/pg_ctl" stop -D "$dir/data" -m "$mode" -w -t 60 >/dev/null 2>&1; then
    return 0
  fi
  pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/data"; then
    echo "pg_server.sh: pg_ctl could not stop the server of $dir; killing its postmaster ($pid)" >&2
    # shellcheck disable=SC2046 # one argument per child
    kill -KILL $(pgrep -P "$pid") "$pid" 2>/dev/null
    # A killed postmaster cannot remove its pid file; gone, it would block the next start.
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$dir/data/postmaster.pid"
}

# Removes DIR, but only a folder this script made (it holds the marker file) or an empty one.
_pg_server_remove() {
  local dir=$1
  [ -e "$dir" ] || return 0
  if [ -e "$dir/.pg_server" ] || [ -z "$(ls -A "$dir")" ]; then
    rm -rf -- "$dir"
  else
    _pg_server_fail "$dir was not made by pg_server.sh; not removing it"
  fi
}

# As root: gives DIR to the postgres user and lets that user pass through every folder above DIR
# (o+x: it may enter them, not list them).
_pg_server_hand_over() {
  local dir=$1 path="" part
  [ "$(id -u)" -eq 0 ] || return 0
  if ! chown postgres: "$dir" || ! chmod 0700 "$dir"; then
    _pg_server_fail "cannot give $dir to the postgres user"
  fi
  runuser -u postgres -- test -x "$dir/" && return 0
  # From / downwards, since a folder can only be tested through the ones above it.
  local -a parts
  IFS=/ read -r -a parts <<<"${dir#/}"
  for part in "${parts[@]}"; do
    path=$path/$part
    if ! runuser -u postgres -- test -x "$path/"; then
      echo "pg_server.sh: letting the postgres user pass through $path (chmod o+x)" >&2
      chmod o+x "$path" || _pg_server_fail "cannot chmod o+x $path"
    fi
  done
}

# A TCP port of 127.0.0.1 that is free now.
_pg_server_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts the data in DIR on DIR/port and waits (pg_ctl -w) until it accepts connections.
_pg_server_launch() {
  local dir=$1
  _pg_server_as_owner "$pg_server_bin/pg_ctl" start -D "$dir/data" -l "$dir/log" -w -t 120 \
    -o "-p $(cat "$dir/port")" >/dev/null 2>&1
}

# Launches the server in DIR on a free port and writes its URL (exits 0); WHAT ("server", "replica")
# names it in the failure. Another process may take the port between choosing it and binding it: then
# it chooses again. Called in the subshell of a command below, so exit ends only that.
_pg_server_launch_on_free_port() {
  local dir=$1 what=$2 attempt
  for attempt in 1 2 3 4 5; do
    _pg_server_free_port >"$dir/port" || _pg_server_fail "python3 could not find a free port"
    if _pg_server_launch "$dir"; then
      printf 'postgresql://ssad@127.0.0.1:%s/postgres\n' "$(cat "$dir/port")" >"$dir/url.new"
      chmod 0644 "$dir/url.new"
      mv "$dir/url.new" "$dir/url"
      exit 0
    fi
    _pg_server_halt "$dir" immediate
    grep -q 'could not bind' "$dir/log" 2>/dev/null || break
    echo "pg_server.sh: port $(cat "$dir/port") was taken; trying another (attempt $attempt)" >&2
  done
  tail -n 20 "$dir/log" >&2 2>/dev/null
  _pg_server_fail "the $what in $dir did not start; its log is $dir/log"
}

pg_server_start() (
  dir=$(_pg_server_dir "${1:-}") || exit 1
  _pg_server_check_install
  if _pg_server_answers "$dir"; then exit 0; fi
  _pg_server_halt "$dir" immediate
  _pg_server_remove "$dir"
  if ! mkdir -p -- "$dir" || ! touch "$dir/.pg_server"; then _pg_server_fail "cannot make $dir"; fi
  _pg_server_hand_over "$dir"

  _pg_server_as_owner "$pg_server_bin/initdb" -D "$dir/data" -A trust -U ssad --no-sync -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    _pg_server_fail "initdb failed in $dir/data"
  }
  # A unix socket path may hold 107 bytes; in a deeper DIR the server listens on TCP only.
  local sockets=$dir socket_name=/.s.PGSQL.65535
  if [ $((${#dir} + ${#socket_name})) -gt 107 ]; then sockets=""; fi
  cat >>"$dir/data/postgresql.conf" <<EOF

# pg_server.sh: a throwaway server for tests; losing its data in a crash of the machine does not matter.
listen_addresses = '127.0.0.1'
unix_socket_directories = '${sockets//\'/\'\'}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
shared_buffers = 128MB
EOF
  if [ -n "${PG_EXTRA_OPTS:-}" ]; then
    local setting name value settings
    read -r -a settings <<<"$PG_EXTRA_OPTS"
    echo "# PG_EXTRA_OPTS" >>"$dir/data/postgresql.conf"
    for setting in "${settings[@]}"; do
      name=${setting%%=*}
      value=${setting#*=}
      [[ "$setting" == *=* && "$name" =~ ^[A-Za-z_][A-Za-z0-9_.]*$ ]] ||
        _pg_server_fail "PG_EXTRA_OPTS: '$setting' is not name=value"
      printf "%s = '%s'\\n" "$name" "${value//\'/\'\'}" >>"$dir/data/postgresql.conf"
    done
  fi

  _pg_server_launch_on_free_port "$dir" server
)

pg_server_stop() (
  dir=$(_pg_server_dir "${1:-}") || exit 1
  [ -e "$dir" ] || exit 0
  _pg_server_halt "$dir" immediate
  _pg_server_remove "$dir"
)

pg_server_kill() (
  dir=$(_pg_server_dir "${1:-}") || exit 1
  _pg_server_halt "$dir" immediate
)

pg_server_start_again() (
  dir=$(_pg_server_dir "${1:-}") || exit 1
  _pg_server_check_install
  if [ ! -f "$dir/data/PG_VERSION" ] || [ ! -f "$dir/port" ]; then
    _pg_server_fail "$dir holds no server data: use start"
  fi
  if _pg_server_answers "$dir"; then exit 0; fi
  _pg_server_launch "$dir" || {
    _pg_server_halt "$dir" immediate
    tail -n 20 "$dir/log" >&2 2>/dev/null
    _pg_server_fail "the server in $dir did not start again on port $(cat "$dir/port"); its log is $dir/log"
  }
)

pg_server_restart() (
  dir=$(_pg_server_dir "${1:-}") || exit 1
  _pg_server_halt "$dir" fast
  pg_server_start_again "$dir"
)

pg_server_replica() (
  primary=$(_pg_server_dir "${1:-}") || exit 1
  dir=$(_pg_server_dir "${2:-}") || exit 1
  [ "$primary" != "$dir" ] || _pg_server_fail "a replica needs a folder of its own"
  _pg_server_check_install
  [ -x "$pg_server_bin/pg_basebackup" ] ||
    _pg_server_fail "postgresql-client-15 is not installed ($pg_server_bin/pg_basebackup is missing): run scripts/setup"
  _pg_server_answers "$primary" || _pg_server_fail "no server answers in $primary: start it first"
  if _pg_server_answers "$dir"; then exit 0; fi
  _pg_server_halt "$dir" immediate
  _pg_server_remove "$dir"
  if ! mkdir -p -- "$dir" || ! touch "$dir/.pg_server"; then _pg_server_fail "cannot make $dir"; fi
  _pg_server_hand_over "$dir"

  # -R writes standby.signal and primary_conninfo; --checkpoint=fast does not wait for the primary's next
  # checkpoint; -X stream copies the WAL written meanwhile.
  _pg_server_as_owner "$pg_server_bin/pg_basebackup" -h 127.0.0.1 -p "$(cat "$primary/port")" -U ssad \
    -D "$dir/data" -R -X stream --checkpoint=fast --no-sync >"$dir/basebackup.log" 2>&1 || {
    cat "$dir/basebackup.log" >&2
    _pg_server_fail "pg_basebackup from $primary failed"
  }
  # The copied postgresql.conf names the primary's socket folder; the last setting wins.
  local sockets=$dir socket_name=/.s.PGSQL.65535
  if [ $((${#dir} + ${#socket_name})) -gt 107 ]; then sockets=""; fi
  cat >>"$dir/data/postgresql.conf" <<EOF

# pg_server.sh: a streaming replica of $primary (hot standby: it answers reads only).
unix_socket_directories = '${sockets//\'/\'\'}'
EOF

  _pg_server_launch_on_free_port "$dir" replica
)

pg_server_url() (
  dir=$(_pg_server_dir "${1:-}") || exit 1
  [ -f "$dir/url" ] || _pg_server_fail "no server was started in $dir"
  cat "$dir/url"
)

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  usage="usage: $0 start|stop|kill|start-again|restart|url DIR, or $0 replica PRIMARY_DIR DIR"
  case ${1:-}:$# in
    start:2 | stop:2 | kill:2 | restart:2 | url:2) "pg_server_$1" "$2" ;;
    start-again:2) pg_server_start_again "$2" ;;
    replica:3) pg_server_replica "$2" "$3" ;;
    *)
      echo "$usage" >&2
      exit 2
      ;;
  esac
fi
