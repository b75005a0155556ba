#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian 12 machine of this project's kind (run as root):
# PostgreSQL 15 binaries (throwaway test clusters) and the real scanners the agent runs.
# Idempotent: tools already present are left alone. Safe to run by hand.
set -euo pipefail

need_apt=()
command -v initdb >/dev/null 2>&1 || [ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
command -v psql >/dev/null 2>&1 || need_apt+=(postgresql-client)
for tool in shellcheck flawfinder bandit nmap; do
  command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The installer tests: curl and openssl (install.sh, the pinned TLS checks), systemd-analyze (verify the unit;
# works without systemd running), python3 (plistlib checks the launchd plist).
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)

as_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing $1; run this script as root" >&2
    exit 1
  fi
}

if [ "${#need_apt[@]}" -gt 0 ]; then
  as_root "${need_apt[*]}"
  echo "install-deps: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# secretlint 13 needs Node 22; 12 runs on Debian's Node. Pinned with its preset and SARIF formatter.
if ! command -v secretlint >/dev/null 2>&1 || ! secretlint --version 2>/dev/null | grep -q '^v\?12\.'; then
  as_root "secretlint"
  echo "install-deps: npm install -g secretlint@12"
  npm install -g --no-audit --no-fund --loglevel=error \
    secretlint@12.0.0 @secretlint/secretlint-rule-preset-recommend@12.0.0 @secretlint/secretlint-formatter-sarif@13.0.5 >/dev/null
fi

# PowerShell, to parse the Windows installer and run its -DryRun on Linux: a .NET global tool (~/.dotnet/tools/pwsh).
if ! command -v pwsh >/dev/null 2>&1 && [ ! -x "$HOME/.dotnet/tools/pwsh" ]; then
  echo "install-deps: dotnet tool install --global PowerShell --version 7.6.9"
  dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
fi
