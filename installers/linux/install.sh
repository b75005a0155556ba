#!/bin/sh
# Installs (or upgrades) the SecPlatform agent as a systemd service on Debian/Ubuntu and RHEL-family Linux.
#
#   install.sh --server URL [--pin PIN] [--token-file F | $SECPLAT_TOKEN | --token T] [--name N]
#              [--label k=v]... [--allow-path P]... [--allow-cidr C]... [--allow-scanner S]...
#              [--binary PATH] [--prefix DIR] [--dry-run]
#
# --server      the control plane's base URL (https://host:port; http:// only to a loopback host)
# --pin         sha256//<base64 SPKI hash> of the server's key, as `secplat tokens create` prints it;
#               required with https: nothing is sent to a server whose key does not match
# --token-file  a file holding the bootstrap token (or $SECPLAT_TOKEN, or --token, which the process list shows)
# --name, --label, --allow-path, --allow-cidr, --allow-scanner: passed to `secplat-agent register`
#               (on an upgrade, --allow-* replace the local policy; name and labels stay as registered)
# --binary      install this secplat-agent instead of downloading URL/downloads/secplat-agent-linux-<arch>
# --prefix      install everything under DIR (DIR/opt/secplat-agent, DIR/var/lib/secplat-agent,
#               DIR/etc/secplat-agent, DIR/etc/systemd/system): no user is created, nothing is started
# --dry-run     check everything and print what would be done, change nothing
#
# Everything is checked before anything is changed; if a step fails, what this run created is removed.
# A second run upgrades the binary in place and keeps the agent's identity, policy and outbox.
set -eu
# One brace group, read whole before it runs: a script piped into sh (curl | sh) never runs half-downloaded, and no
# command in it can read the rest of the script from stdin (the group's stdin is /dev/null).
{

prog=install.sh
service=secplat-agent
service_user=secplat-agent

server=""
pin=""
token_flag=""
token_file=""
name=""
binary=""
prefix=""
dry_run=false
# Arguments for `secplat-agent register` / `policy set`, each one quoted for eval (see quote()).
label_args=""
policy_args=""

say() { printf '%s: %s\n' "$prog" "$*"; }
fail() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
usage_fail() { printf '%s: %s (try --help)\n' "$prog" "$*" >&2; exit 2; }

# Single-quotes a value for eval: nothing inside single quotes is special except the quote itself.
quote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

need_value() { [ "$2" -ge 2 ] || usage_fail "$1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --server) need_value "$1" $#; server=$2; shift 2 ;;
    --pin) need_value "$1" $#; pin=$2; shift 2 ;;
    --token) need_value "$1" $#; token_flag=$2; shift 2 ;;
    --token-file) need_value "$1" $#; token_file=$2; shift 2 ;;
    --name) need_value "$1" $#; name=$2; shift 2 ;;
    --label) need_value "$1" $#; label_args="$label_args --label $(quote "$2")"; shift 2 ;;
    --allow-path|--allow-cidr|--allow-scanner) need_value "$1" $#; policy_args="$policy_args $1 $(quote "$2")"; shift 2 ;;
    --binary) need_value "$1" $#; binary=$2; shift 2 ;;
    --prefix) need_value "$1" $#; prefix=$2; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) usage_fail "unknown option '$1'" ;;
  esac
done

# ---------------------------------------------------------------------------------------------------------------
# Layout
if [ -n "$prefix" ]; then
  # The paths go into the unit file unquoted: keep them to characters systemd takes literally.
  case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
  esac
  case "$prefix" in
    *[!A-Za-z0-9._/-]*) usage_fail "--prefix may hold only letters, digits and . _ / -: '$prefix'" ;;
  esac
  prefix=${prefix%/}
fi
opt_dir="$prefix/opt/secplat-agent"
bin_dir="$opt_dir/bin"
installed_binary="$bin_dir/secplat-agent"
state_dir="$prefix/var/lib/secplat-agent"
config_dir="$prefix/etc/secplat-agent"
unit_dir="$prefix/etc/systemd/system"
unit_file="$unit_dir/$service.service"

# ---------------------------------------------------------------------------------------------------------------
# Clean-up: temporary files always; on failure also whatever this run created (newest first).
work=""
created=""          # paths this run created, one per line, newest first
registered_now=false
committed=false

remember() { created="$1
$created"; }

rollback() {
  if [ "$registered_now" = true ]; then
    say "undoing the registration"
    as_service_user "$installed_binary" deregister --state-dir "$state_dir" >/dev/null 2>&1 || true
  fi
  printf '%s\n' "$created" | while IFS= read -r path; do
    [ -n "$path" ] || continue
    case "$path" in
      user:*) userdel "${path#user:}" >/dev/null 2>&1 || true ;;
      *) rm -rf -- "$path" ;;
    esac
  done
}

on_exit() {
  status=$?
  [ -z "$work" ] || rm -rf -- "$work"
  rm -f -- "$state_dir/.bootstrap-token" 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ "$committed" = false ] && [ -n "$created" ]; then
    say "removing what this run created"
    rollback
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# In a dry run, print what would be done instead of doing it.
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

# Creates a directory and any missing parents, remembering each one created (for the rollback).
make_dir() {
  dir=$1 mode=$2 owner=$3
  missing=""
  probe=$dir
  while [ ! -d "$probe" ]; do
    missing="$probe
$missing"
    probe=$(dirname "$probe")
  done
  old_ifs=$IFS
  IFS='
'
  for new_dir in $missing; do
    act mkdir -m 0755 "$new_dir"
    [ "$dry_run" = true ] || remember "$new_dir"
  done
  IFS=$old_ifs
  act chmod "$mode" "$dir"
  [ -z "$owner" ] || act chown "$owner:$owner" "$dir"
}

# Writes a file from stdin next to its target, then renames it over the target (readers never see half a file).
write_file() {
  target=$1 mode=$2
  if [ "$dry_run" = true ]; then
    printf '+ write %s (mode %s):\n' "$target" "$mode"
    sed 's/^/    /'
    return
  fi
  [ -e "$target" ] || remember "$target"
  cat >"$target.new"
  chmod "$mode" "$target.new"
  mv -f "$target.new" "$target"
}

run_as() {
  if [ -n "$prefix" ] || [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$service_user" -- "$@"
  else
    setpriv --reuid="$service_user" --regid="$service_user" --init-groups -- "$@"
  fi
}
as_service_user() { run_as "$@"; }

# ---------------------------------------------------------------------------------------------------------------
# 1. Check everything before changing anything.
[ -n "$server" ] || usage_fail "--server URL is required (the control plane's base URL)"
server=${server%/}
scheme=${server%%://*}
host_port=${server#*://}
host_port=${host_port%%/*}
host=${host_port%:*}
case "$host_port" in \[*) host=${host_port%%]*}]; ;; esac
case "$scheme" in
  https)
    [ -n "$pin" ] || usage_fail "--pin is required with an https server: it is how this machine knows it talks to your control plane (secplat tokens create prints it)"
    ;;
  http)
    case "$host" in
      localhost|127.*|\[::1\]) ;;
      *) usage_fail "plain http is only for a control plane on this machine (loopback); use the https URL and --pin" ;;
    esac
    if [ -n "$pin" ]; then
      say "note: --pin is not checked over plain http (loopback)"
    fi
    ;;
  *) usage_fail "--server takes the control plane's base URL (https://host:port), got '$server'" ;;
esac
if [ -n "$pin" ]; then
  printf '%s' "$pin" | grep -Eq '^sha256//[A-Za-z0-9+/]{43}=$' \
    || usage_fail "--pin must look like sha256//<44 characters of base64>, as 'secplat tokens create' prints it"
fi

if [ "$dry_run" = false ] && [ -z "$prefix" ] && [ "$(id -u)" -ne 0 ]; then
  fail "run as root (sudo), or pass --prefix DIR to install under a directory of your own"
fi
for tool in curl sha256sum sed grep; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is required and not installed"
done
if [ -z "$prefix" ]; then
  command -v systemctl >/dev/null 2>&1 || fail "systemd (systemctl) is required to run the agent as a service; use --prefix DIR to install the files only"
fi

case "$(uname -m)" in
  x86_64|amd64) arch=x64 ;;
  aarch64|arm64) arch=arm64 ;;
  *) fail "unsupported machine architecture '$(uname -m)' (supported: x86_64, aarch64)" ;;
esac

# curl with the pin: the TLS handshake fails unless the server's public key hashes to it, before any request is sent.
# (-k only skips the CA chain check, which a self-signed certificate cannot pass; the pin replaces it.)
fetch() {
  if [ -n "$pin" ] && [ "$scheme" = https ]; then
    curl -fs --proto '=https' --connect-timeout 10 --max-time 300 --pinnedpubkey "$pin" -k "$@"
  else
    curl -fs --connect-timeout 10 --max-time 300 "$@"
  fi
}

explain_curl() {
  case "$1" in
    90) echo "the server's public key does not match --pin $pin: this is not your control plane (or the pin is wrong); nothing was sent" ;;
    6) echo "cannot resolve the host of $server" ;;
    7) echo "cannot connect to $server (is the control plane running, and reachable from this machine?)" ;;
    28) echo "$server did not answer in time" ;;
    35|60) echo "the TLS handshake with $server failed (is it an https URL of the control plane?)" ;;
    22) echo "$server answered with an HTTP error" ;;
    *) echo "cannot reach $server (curl exit code $1)" ;;
  esac
}

# The token: --token-file, else $SECPLAT_TOKEN, else --token. It is never printed and never put on a command line.
token=""
read_token() {
  if [ -n "$token_file" ]; then
    [ -r "$token_file" ] || fail "cannot read the token file $token_file"
    token=$(head -c 4096 "$token_file" | tr -d ' \t\r\n')
    token_source="the token file $token_file"
  elif [ -n "${SECPLAT_TOKEN:-}" ]; then
    token=$(printf '%s' "$SECPLAT_TOKEN" | tr -d ' \t\r\n')
    token_source="\$SECPLAT_TOKEN"
  elif [ -n "$token_flag" ]; then
    token=$token_flag
    token_source="--token"
  else
    usage_fail "no bootstrap token: pass --token-file FILE (or set \$SECPLAT_TOKEN); 'secplat tokens create' makes one"
  fi
  printf '%s' "$token" | grep -Eq '^spbt_[a-z0-9]{12}_[A-Za-z0-9]{43}$' \
    || usage_fail "$token_source does not hold a bootstrap token (expected spbt_<id>_<secret>, as 'secplat tokens create' prints it)"
}
# Without a registered agent to upgrade, a token is needed: check it before anything else.
[ -f "$state_dir/agent.db" ] || read_token

health_status=0
health=$(fetch "$server/healthz" 2>/dev/null) || health_status=$?
[ "$health_status" -eq 0 ] || fail "$(explain_curl "$health_status")"
[ "$health" = ok ] || fail "$server does not look like a SecPlatform control plane (GET /healthz answered '$health')"
say "control plane $server reachable${pin:+, key matches the pin}"

work=$(mktemp -d "${TMPDIR:-/tmp}/secplat-install.XXXXXX")
chmod 0755 "$work"

# The agent binary: given, or downloaded from the control plane and checked against its SHA256SUMS.
if [ -n "$binary" ]; then
  [ -f "$binary" ] || fail "--binary $binary: no such file"
  new_binary="$work/secplat-agent"
  cp "$binary" "$new_binary"
elif [ "$dry_run" = true ]; then
  new_binary=""
  say "would download $server/downloads/secplat-agent-linux-$arch and check it against $server/downloads/SHA256SUMS"
else
  download="secplat-agent-linux-$arch"
  new_binary="$work/secplat-agent"
  say "downloading $download"
  status=0
  fetch -o "$new_binary" "$server/downloads/$download" || status=$?
  [ "$status" -eq 0 ] || fail "downloading $download: $(explain_curl "$status")"
  status=0
  fetch -o "$work/SHA256SUMS" "$server/downloads/SHA256SUMS" || status=$?
  [ "$status" -eq 0 ] || fail "downloading SHA256SUMS: $(explain_curl "$status")"
  expected=$(awk -v n="$download" '$2 == n || $2 == "*" n { print $1 }' "$work/SHA256SUMS")
  [ -n "$expected" ] || fail "$server/downloads/SHA256SUMS has no checksum for $download"
  actual=$(sha256sum "$new_binary" | cut -d ' ' -f 1)
  [ "$expected" = "$actual" ] || fail "$download does not match its checksum in SHA256SUMS (download corrupted or tampered with)"
  say "$download matches its checksum in SHA256SUMS"
fi
if [ -n "$new_binary" ]; then
  chmod 0755 "$new_binary"
  new_version=$("$new_binary" version 2>/dev/null) || fail "the agent binary does not run on this machine ($(uname -sm))"
  say "agent $new_version"
fi

template=""
# Next to this script when it runs from a file; from the control plane when it runs from a pipe (curl | sh).
if [ -f "$0" ] && [ -f "$(dirname "$0")/secplat-agent.service.in" ]; then
  template="$(dirname "$0")/secplat-agent.service.in"
else
  template="$work/secplat-agent.service.in"
  status=0
  fetch -o "$template" "$server/downloads/secplat-agent.service.in" || status=$?
  [ "$status" -eq 0 ] || fail "downloading the service template: $(explain_curl "$status")"
fi

# An existing identity makes this run an upgrade: no token needed, registration skipped.
upgrade=false
if [ -f "$state_dir/agent.db" ]; then
  status_binary=${new_binary:-$installed_binary}
  if [ -x "$status_binary" ] && run_as "$status_binary" status --state-dir "$state_dir" >/dev/null 2>&1; then
    upgrade=true
  fi
fi

if [ "$upgrade" = true ]; then
  say "an agent is registered in $state_dir: upgrading it in place (identity, policy and outbox are kept)"
  [ -z "$name$label_args" ] || say "note: --name and --label apply at registration only; they are left as registered"
elif [ -z "$token" ]; then
  read_token
fi

# ---------------------------------------------------------------------------------------------------------------
# 2. Change things; from here a failure removes what this run created.
[ "$dry_run" = false ] || say "dry run: nothing below is done"

if [ -z "$prefix" ]; then
  if ! id "$service_user" >/dev/null 2>&1; then
    nologin=/usr/sbin/nologin
    [ -x "$nologin" ] || nologin=/sbin/nologin
    if command -v useradd >/dev/null 2>&1; then
      act useradd --system --user-group --no-create-home --home-dir "$state_dir" --shell "$nologin" \
        --comment "SecPlatform agent" "$service_user"
    else
      act adduser --system --group --no-create-home --home "$state_dir" --shell "$nologin" "$service_user"
    fi
    [ "$dry_run" = true ] || remember "user:$service_user"
  fi
  owner=$service_user
else
  owner=""
fi

make_dir "$bin_dir" 0755 ""
make_dir "$state_dir" 0700 "$owner"
make_dir "$config_dir" 0755 ""
make_dir "$unit_dir" 0755 ""

# Atomic replace: the new binary is written next to the old one and renamed over it, so a running agent keeps
# its (unlinked) file and the next start gets the new one.
if [ -n "$new_binary" ]; then
  [ -e "$installed_binary" ] || { [ "$dry_run" = true ] || remember "$installed_binary"; }
  act cp "$new_binary" "$installed_binary.new"
  act chmod 0755 "$installed_binary.new"
  act mv -f "$installed_binary.new" "$installed_binary"
else
  say "would install the downloaded agent as $installed_binary"
fi

write_file "$config_dir/agent.env" 0644 <<EOF
# Environment of the secplat-agent service (systemd EnvironmentFile: KEY=value per line).
# Agent settings: SecPlatform__Agent__<Section>__<Name>, e.g. SecPlatform__Agent__Commands__Concurrency=4
SECPLAT_AGENT_STATE_DIR=$state_dir
EOF

if [ "$upgrade" = false ]; then
  # The token goes to the agent in a 0600 file inside the service user's own state directory, never in argv.
  if [ "$dry_run" = true ]; then
    printf '+ write %s (mode 0600): the bootstrap token\n' "$state_dir/.bootstrap-token"
  else
    (umask 077 && printf '%s\n' "$token" >"$state_dir/.bootstrap-token")
    [ -z "$owner" ] || chown "$owner:$owner" "$state_dir/.bootstrap-token"
  fi
  pin_args=""
  [ -z "$pin" ] || pin_args="--pin $(quote "$pin")"
  name_args=""
  [ -z "$name" ] || name_args="--name $(quote "$name")"
  eval "set -- $pin_args $name_args $label_args $policy_args"
  say "registering with $server"
  if [ "$dry_run" = true ]; then
    set -- "$installed_binary" register --server "$server" --token-file "$state_dir/.bootstrap-token" --state-dir "$state_dir" "$@"
    [ -n "$prefix" ] || set -- runuser -u "$service_user" -- "$@"
    act "$@"
  else
    status=0
    agent_id=$(run_as "$installed_binary" register --server "$server" --token-file "$state_dir/.bootstrap-token" \
      --state-dir "$state_dir" "$@" 2>"$work/register.err") || status=$?
    # 6: the agent's own pinned handshake failed (the key changed since the checks above); nothing was sent.
    [ "$status" -ne 6 ] || fail "registration failed: the server's public key does not match --pin $pin (secplat-agent exit 6, the token was not sent); nothing was installed"
    if [ "$status" -ne 0 ]; then
      reason=$(sed 's/^secplat-agent: //' "$work/register.err" | tr '\n' ' ' | sed 's/ *$//')
      fail "registration failed: ${reason:-secplat-agent exited with $status}; nothing was installed"
    fi
    registered_now=true
    rm -f -- "$state_dir/.bootstrap-token"
    say "registered as agent $agent_id"
  fi
elif [ -n "$policy_args" ]; then
  eval "set -- $policy_args"
  say "replacing the local policy"
  if [ "$dry_run" = true ]; then
    act "$installed_binary" policy set --state-dir "$state_dir" "$@"
  else
    run_as "$installed_binary" policy set --state-dir "$state_dir" "$@" >/dev/null || fail "could not set the local policy"
  fi
fi

sed -e "s|@BINARY@|$installed_binary|g" -e "s|@STATE_DIR@|$state_dir|g" -e "s|@CONFIG_DIR@|$config_dir|g" \
  -e "s|@USER@|$service_user|g" "$template" | write_file "$unit_file" 0644

if [ -n "$prefix" ]; then
  committed=true
  say "installed under $prefix (no service user created, nothing started); the service would run:"
  grep '^ExecStart=' "$unit_file" 2>/dev/null || printf 'ExecStart=%s run --state-dir %s\n' "$installed_binary" "$state_dir"
  exit 0
fi

# SELinux (RHEL family): give the new files the labels their locations call for.
if command -v restorecon >/dev/null 2>&1; then
  act restorecon -R "$opt_dir" "$state_dir" "$config_dir" "$unit_file"
fi
act systemctl daemon-reload
act systemctl enable --quiet "$service"
# Registered and enabled: from here a failure to start is reported, not undone.
committed=true
act systemctl restart "$service"
if [ "$dry_run" = false ]; then
  sleep 2
  if systemctl is-active --quiet "$service"; then
    say "secplat-agent is running; 'journalctl -u secplat-agent' shows its log"
  else
    fail "secplat-agent did not start: see 'systemctl status secplat-agent' and 'journalctl -u secplat-agent'"
  fi
fi
} </dev/null
