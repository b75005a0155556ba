#!/bin/sh
# Removes the SecPlatform agent installed by install.sh.
#
#   uninstall.sh [--purge] [--prefix DIR] [--dry-run]
#
# Stops and disables the service, removes the unit, the binary and the configuration. The agent's state
# (identity, policy, outbox) stays in /var/lib/secplat-agent so a reinstall picks it up again, unless:
# --purge     also deregisters the agent from the control plane, deletes its state and the secplat-agent user
# --prefix    the DIR given to install.sh --prefix (nothing is stopped; empty directories up to DIR are removed)
# --dry-run   print what would be done, change nothing
set -eu
# One brace group, read whole before it runs: a script piped into sh (curl | sh) never runs half-downloaded, and no
# command in it can read the rest of the script from stdin (the group's stdin is /dev/null).
{

prog=uninstall.sh
service=secplat-agent
service_user=secplat-agent
purge=false
prefix=""
dry_run=false

say() { printf '%s: %s\n' "$prog" "$*"; }
fail() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=true; shift ;;
    --prefix) [ $# -ge 2 ] || { printf '%s: --prefix needs a value\n' "$prog" >&2; exit 2; }; prefix=${2%/}; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) printf "%s: unknown option '%s' (try --help)\n" "$prog" "$1" >&2; exit 2 ;;
  esac
done
if [ -n "$prefix" ]; then
  case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
  [ -d "$prefix" ] || fail "--prefix $prefix: no such directory"
fi

opt_dir="$prefix/opt/secplat-agent"
binary="$opt_dir/bin/secplat-agent"
state_dir="$prefix/var/lib/secplat-agent"
config_dir="$prefix/etc/secplat-agent"
unit_file="$prefix/etc/systemd/system/$service.service"

if [ "$dry_run" = false ] && [ -z "$prefix" ] && [ "$(id -u)" -ne 0 ]; then
  fail "run as root (sudo), or pass --prefix DIR"
fi

act() {
  if [ "$dry_run" = true ]; then
    # Joined here, not with "$*", whose separator is whatever IFS holds at the time.
    printf '+'
    printf ' %s' "$@"
    printf '\n'
  else
    "$@"
  fi
}

run_as_service_user() {
  if [ -n "$prefix" ] || ! id "$service_user" >/dev/null 2>&1; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$service_user" -- "$@"
  else
    setpriv --reuid="$service_user" --regid="$service_user" --init-groups -- "$@"
  fi
}

if [ -z "$prefix" ] && command -v systemctl >/dev/null 2>&1; then
  # Stopping lets the agent drain, flush its outbox and release its lease (TimeoutStopSec).
  if systemctl is-active --quiet "$service" 2>/dev/null || systemctl is-enabled --quiet "$service" 2>/dev/null; then
    act systemctl disable --now "$service"
  fi
fi

# Deregister before anything is removed: if the control plane cannot be reached, stop here so it can be retried.
if [ "$purge" = true ] && [ -x "$binary" ] && [ -f "$state_dir/agent.db" ]; then
  if [ "$dry_run" = true ]; then
    act "$binary" deregister --state-dir "$state_dir"
  else
    status=0
    run_as_service_user "$binary" status --state-dir "$state_dir" >/dev/null 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
      status=0
      reason=$(run_as_service_user "$binary" deregister --state-dir "$state_dir" 2>&1 >/dev/null) || status=$?
      if [ "$status" -ne 0 ]; then
        reason=$(printf '%s' "$reason" | tr '\n' ' ' | sed 's/ *$//')
        fail "could not deregister the agent (nothing was removed): ${reason#secplat-agent: }; retry when the control plane is reachable, or remove $state_dir by hand"
      fi
    fi
  fi
fi

act rm -f -- "$unit_file"
act rm -rf -- "$opt_dir" "$config_dir"
if [ -z "$prefix" ] && command -v systemctl >/dev/null 2>&1; then
  act systemctl daemon-reload
  act systemctl reset-failed "$service" 2>/dev/null || true
fi

if [ "$purge" = true ]; then
  act rm -rf -- "$state_dir"
  if [ -z "$prefix" ] && id "$service_user" >/dev/null 2>&1; then
    act userdel "$service_user"
  fi
else
  [ ! -d "$state_dir" ] || say "kept the agent's state in $state_dir (--purge deregisters and deletes it)"
fi

if [ -n "$prefix" ]; then
  # The directories install.sh created above its own, when nothing else is in them.
  for dir in "$prefix/opt" "$prefix/var/lib" "$prefix/var" "$prefix/etc/systemd/system" "$prefix/etc/systemd" "$prefix/etc"; do
    [ ! -d "$dir" ] || act rmdir "$dir" 2>/dev/null || true
  done
fi
say "secplat-agent removed${prefix:+ from $prefix}"
} </dev/null
