#!/bin/sh
# Installs (or upgrades) the SecPlatform agent as a launchd daemon on macOS.
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
# --binary      install this secplat-agent instead of downloading URL/downloads/secplat-agent-osx-<arch>
# --prefix      install everything under DIR (DIR/usr/local/secplat-agent, DIR/Library/Application Support/SecPlatform/Agent,
#               DIR/Library/Logs/SecPlatform, DIR/Library/LaunchDaemons): no user is created, nothing is started
# --dry-run     check everything and print what would be done, change nothing
#
# Everything is checked before anything is changed; if a step fails, what this run created is removed.
# A second run upgrades the binary in place and keeps the agent's identity, policy and outbox.
set -eu
# One brace group, read whole before it runs: a script piped into sh (curl | sh) never runs half-downloaded, and no
# command in it can read the rest of the script from stdin (the group's stdin is /dev/null).
{

prog=install.sh
label=com.secplatform.agent
service_user=_secplatagent

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
  # The paths go into the plist unescaped: keep them to characters XML takes literally.
  case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
  esac
  case "$prefix" in
    *[!A-Za-z0-9._/-]*) usage_fail "--prefix may hold only letters, digits and . _ / -: '$prefix'" ;;
  esac
  prefix=${prefix%/}
fi
opt_dir="$prefix/usr/local/secplat-agent"
bin_dir="$opt_dir/bin"
installed_binary="$bin_dir/secplat-agent"
# The agent's own default state directory on macOS.
state_dir="$prefix/Library/Application Support/SecPlatform/Agent"
log_dir="$prefix/Library/Logs/SecPlatform"
plist_dir="$prefix/Library/LaunchDaemons"
plist_file="$plist_dir/$label.plist"

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
      user:*) dscl . -delete "/Users/${path#user:}" >/dev/null 2>&1 || true
              dscl . -delete "/Groups/${path#user:}" >/dev/null 2>&1 || true ;;
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
  else
    sudo -u "$service_user" -- "$@"
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
for tool in curl sed grep awk; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is required and not installed"
done
if command -v sha256sum >/dev/null 2>&1; then sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
else sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
fi
if [ -z "$prefix" ]; then
  [ "$(uname -s)" = Darwin ] || fail "this installer is for macOS; use --prefix DIR to install the files only"
  command -v launchctl >/dev/null 2>&1 || fail "launchctl is required to run the agent as a daemon"
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  arm64|aarch64) arch=arm64 ;;
  *) arch=unsupported ;;
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
  say "would download $server/downloads/secplat-agent-osx-$arch and check it against $server/downloads/SHA256SUMS"
else
  [ "$arch" != unsupported ] || fail "unsupported machine architecture '$(uname -m)' (supported: x86_64, arm64)"
  download="secplat-agent-osx-$arch"
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
  actual=$(sha256 "$new_binary")
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
if [ -f "$0" ] && [ -f "$(dirname "$0")/$label.plist.in" ]; then
  template="$(dirname "$0")/$label.plist.in"
else
  template="$work/$label.plist.in"
  status=0
  fetch -o "$template" "$server/downloads/$label.plist.in" || status=$?
  [ "$status" -eq 0 ] || fail "downloading the launchd template: $(explain_curl "$status")"
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
    # A hidden system account with its own group, on the first id below 500 that neither users nor groups use.
    uid=$( (dscl . -list /Users UniqueID; dscl . -list /Groups PrimaryGroupID) | awk '{ used[$2] = 1 } END { for (i = 400; i > 200; i--) if (!used[i]) { print i; exit } }')
    [ -n "$uid" ] || fail "no free system user id between 200 and 400 for $service_user"
    act dscl . -create "/Groups/$service_user" PrimaryGroupID "$uid"
    act dscl . -create "/Users/$service_user" UniqueID "$uid"
    act dscl . -create "/Users/$service_user" PrimaryGroupID "$uid"
    act dscl . -create "/Users/$service_user" UserShell /usr/bin/false
    act dscl . -create "/Users/$service_user" NFSHomeDirectory /var/empty
    act dscl . -create "/Users/$service_user" RealName "SecPlatform agent"
    act dscl . -create "/Users/$service_user" IsHidden 1
    [ "$dry_run" = true ] || remember "user:$service_user"
  fi
  owner=$service_user
else
  owner=""
fi

make_dir "$bin_dir" 0755 ""
make_dir "$state_dir" 0700 "$owner"
make_dir "$log_dir" 0750 "$owner"
make_dir "$plist_dir" 0755 ""

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
    act "$installed_binary" register --server "$server" --token-file "$state_dir/.bootstrap-token" --state-dir "$state_dir" "$@"
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

sed -e "s|@BINARY@|$installed_binary|g" -e "s|@STATE_DIR@|$state_dir|g" -e "s|@LOG_DIR@|$log_dir|g" \
  -e "s|@USER@|$service_user|g" "$template" | write_file "$plist_file" 0644

if [ -n "$prefix" ]; then
  committed=true
  say "installed under $prefix (no service user created, nothing started); launchd would run:"
  printf '%s run --state-dir %s\n' "$installed_binary" "$state_dir"
  exit 0
fi

act chown root:wheel "$plist_file"
# An upgrade stops the old daemon first (launchd sends SIGTERM and waits ExitTimeOut), then loads the new one.
if launchctl print "system/$label" >/dev/null 2>&1; then
  act launchctl bootout "system/$label" || true
fi
act launchctl enable "system/$label"
act launchctl bootstrap system "$plist_file"
# Registered and loaded: from here a failure to start is reported, not undone.
committed=true
if [ "$dry_run" = false ]; then
  sleep 2
  if launchctl print "system/$label" 2>/dev/null | grep -q 'state = running'; then
    say "secplat-agent is running; its log is $log_dir/agent.log"
  else
    fail "secplat-agent did not start: see 'sudo launchctl print system/$label' and $log_dir/agent.log"
  fi
fi
} </dev/null
