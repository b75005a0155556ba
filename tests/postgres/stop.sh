#!/usr/bin/env bash
# Stops the throwaway cluster that tests/postgres/start.sh started and removes its temporary directory:
#   bash tests/postgres/stop.sh            (reads SECPLAT_TEST_PGDATA)
#   bash tests/postgres/stop.sh DATA_DIR
set -euo pipefail

die() {
  echo "tests/postgres/stop.sh: $*" >&2
  exit 1
}

data_dir=${1:-${SECPLAT_TEST_PGDATA:-}}
[ -n "$data_dir" ] || die "which cluster? pass its data directory or set SECPLAT_TEST_PGDATA (printed by tests/postgres/start.sh)"
[ -f "$data_dir/PG_VERSION" ] || die "$data_dir is not a PostgreSQL data directory"

pg_ctl_bin=$(command -v pg_ctl 2>/dev/null || printf '%s\n' /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
[ -x "$pg_ctl_bin" ] || die "pg_ctl not found: put the PostgreSQL binaries on PATH"

as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
  runuser_bin=$(command -v runuser 2>/dev/null || true)
  for candidate in /usr/sbin/runuser /sbin/runuser; do
    [ -n "$runuser_bin" ] || { [ -x "$candidate" ] && runuser_bin=$candidate; }
  done
  [ -n "$runuser_bin" ] || die "runuser (util-linux) not found: it is needed to run pg_ctl as the 'postgres' user"
  as_server_user=("$runuser_bin" -u postgres --)
fi

base_dir=$(dirname "$data_dir")
cd "$base_dir"
if "${as_server_user[@]}" "$pg_ctl_bin" -D "$data_dir" status >/dev/null 2>&1; then
  "${as_server_user[@]}" "$pg_ctl_bin" -D "$data_dir" -m fast -w stop >&2
fi

# Remove only what start.sh made.
case "$(basename "$base_dir")" in
  secplat-pg.*)
    cd /
    rm -rf "$base_dir"
    ;;
esac
