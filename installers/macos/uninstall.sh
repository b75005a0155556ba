#!/bin/sh
# Removes the SecPlatform agent installed by install.sh on macOS.
#
#   uninstall.sh [--purge] [--prefix DIR] [--dry-run]
#
# Stops and unloads the launchd daemon, removes its plist, the binary and the logs. The agent's state (identity,
# policy, outbox) stays in /Library/Application Support/SecPlatform/Agent so a reinstall picks it up, unless:
# --purge     also deregisters the agent from the control plane, deletes its state and the _secplatagent user
# --prefix    the DIR given to install.sh --prefix (nothing is stopped; empty directories up to DIR are removed)
# --dry-run   print what would be done, change nothing
set -eu
# One brace group, read whole before it runs: a script piped into sh (curl | sh) never runs half-downloaded, and no
# command in it can read the rest of the script from stdin (the group's stdin is /dev/null).
{

prog=uninstall.sh
label=com.secplatform.agent
service_user=_secplatagent
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

opt_dir="$prefix/usr/local/secplat-agent"
binary="$opt_dir/bin/secplat-agent"
state_dir="$prefix/Library/Application Support/SecPlatform/Agent"
log_dir="$prefix/Library/Logs/SecPlatform"
plist_file="$prefix/Library/LaunchDaemons/$label.plist"

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
  else
    sudo -u "$service_user" -- "$@"
  fi
}

# bootout sends SIGTERM and waits (ExitTimeOut) while the agent drains, flushes its outbox and releases its lease.
if [ -z "$prefix" ] && command -v launchctl >/dev/null 2>&1 && launchctl print "system/$label" >/dev/null 2>&1; then
  act launchctl bootout "system/$label"
fi
if [ -z "$prefix" ] && command -v launchctl >/dev/null 2>&1; then
  act launchctl disable "system/$label" 2>/dev/null || true
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
        fail "could not deregister the agent (nothing was removed): ${reason#secplat-agent: }; retry when the control plane is reachable, or remove '$state_dir' by hand"
      fi
    fi
  fi
fi

act rm -f -- "$plist_file"
act rm -rf -- "$opt_dir" "$log_dir"

if [ "$purge" = true ]; then
  act rm -rf -- "$state_dir"
  if [ -z "$prefix" ] && id "$service_user" >/dev/null 2>&1; then
    act dscl . -delete "/Users/$service_user"
    act dscl . -delete "/Groups/$service_user" 2>/dev/null || true
  fi
else
  [ ! -d "$state_dir" ] || say "kept the agent's state in '$state_dir' (--purge deregisters and deletes it)"
fi

# The directories install.sh created above its own, when nothing else is in them.
for dir in "$prefix/Library/Application Support/SecPlatform" "$prefix/Library/Application Support" \
  "$prefix/Library/Logs" "$prefix/Library/LaunchDaemons" "$prefix/Library" "$prefix/usr/local" "$prefix/usr"; do
  [ -n "$prefix" ] || [ "$dir" = "/Library/Application Support/SecPlatform" ] || continue
  [ ! -d "$dir" ] || act rmdir "$dir" 2>/dev/null || true
done
say "secplat-agent removed${prefix:+ from $prefix}"
} </dev/null
