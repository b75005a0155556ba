#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine of this project's kind (run as root).
# Idempotent: tools already present are left alone. Safe to run by hand.
set -euo pipefail

need_apt=()
command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)

if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing ${need_apt[*]}; run this script as root (apt-get)" >&2
    exit 1
  fi
  echo "install-deps: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
