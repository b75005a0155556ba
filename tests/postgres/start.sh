#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests: a temporary data directory, 127.0.0.1 on a free
# port, trust authentication (loopback only), durability off for speed. PostgreSQL refuses to run as
# root, so as root the server runs as the `postgres` user.
#
# Prints the environment the tests read, nothing else, on stdout:
#   eval "$(bash tests/postgres/start.sh)"
#   ... dotnet test ...
#   bash tests/postgres/stop.sh
set -euo pipefail

die() {
  echo "tests/postgres/start.sh: $*" >&2
  exit 1
}

# The server binaries: on PATH, else Debian's versioned directory (the newest one).
find_bin_dir() {
  local pg_ctl_path dir
  if pg_ctl_path=$(command -v pg_ctl 2>/dev/null) && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$pg_ctl_path")"
    return 0
  fi
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
    echo "$dir"
    return 0
  fi
  return 1
}

bin_dir=$(find_bin_dir) || die "PostgreSQL server binaries (initdb, pg_ctl) not found: install them (Debian: apt-get install -y postgresql) or put them on PATH"
[ -x "$bin_dir/postgres" ] || die "PostgreSQL server binary 'postgres' not found in $bin_dir: install the server (Debian: apt-get install -y postgresql)"

# As root, run the server as `postgres`; otherwise as whoever calls this.
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to run the server as (installing Debian's postgresql package creates it)"
  # runuser lives in sbin, which a root shell's PATH does not always include.
  runuser_bin=$(command -v runuser 2>/dev/null || true)
  for candidate in /usr/sbin/runuser /sbin/runuser; do
    [ -n "$runuser_bin" ] || { [ -x "$candidate" ] && runuser_bin=$candidate; }
  done
  [ -n "$runuser_bin" ] || die "runuser (util-linux) not found: it is needed to run the server as the 'postgres' user"
  as_server_user=("$runuser_bin" -u postgres --)
fi

port_is_free() {
  # A refused connection means nobody listens there.
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

base_dir=$(mktemp -d "${TMPDIR:-/tmp}/secplat-pg.XXXXXX")
started=""
# On failure keep the logs but say where they are; on success the caller stops it with stop.sh.
trap '[ -n "$started" ] || echo "tests/postgres/start.sh: logs kept in $base_dir" >&2' EXIT
data_dir="$base_dir/data"
log_file="$base_dir/postgres.log"
if [ "${#as_server_user[@]}" -gt 0 ]; then
  chown postgres: "$base_dir"
fi
# The server user may not be able to enter the caller's working directory.
cd "$base_dir"

"${as_server_user[@]}" "$bin_dir/initdb" -D "$data_dir" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$base_dir/initdb.log" 2>&1 \
  || die "initdb failed; see $base_dir/initdb.log"

for _ in 1 2 3 4 5 6 7 8 9 10; do
  port=$((20000 + RANDOM % 40000))
  port_is_free "$port" || continue
  # The temp directory holds the Unix socket, so nothing outside it is needed (no /var/run/postgresql).
  if "${as_server_user[@]}" "$bin_dir/pg_ctl" -D "$data_dir" -l "$log_file" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base_dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >&2; then
    started="yes"
    break
  fi
done
[ -n "$started" ] || die "PostgreSQL did not start; see $log_file"

echo "export SECPLAT_TEST_PG='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
echo "export SECPLAT_TEST_PGDATA='$data_dir'"
