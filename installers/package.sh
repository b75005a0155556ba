#!/usr/bin/env bash
# Publishes secplat-agent as a self-contained single file for every supported RID into one flat
# downloads directory, next to the installers (under the names the control plane serves them by,
# GET /downloads/{name}) and a SHA256SUMS file. Runtime packs for some RIDs may not be available
# here: those are reported and skipped; the script fails only when linux-x64 (what CI tests) fails.
#
#   installers/package.sh [--version V] [--out DIR] [--rid RID]... [--compress]
#
# --version  stamped into the binaries (default: <Version> in Directory.Build.props)
# --out      the downloads directory (default: artifacts/downloads); replaced files only, others kept
# --rid      build only these RIDs (repeatable; default: all five)
# --compress  compress the bundled assemblies: half the size (~42 MB instead of ~79 MB), but the agent then inflates
#             every assembly into its own memory at start (idle RSS ~106 MiB instead of ~75); the default is the
#             project's (EnableCompressionInSingleFile=false, see SecPlatform.Agent.csproj)
# --no-compress  the default; accepted for older scripts
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
all_rids=(linux-x64 linux-arm64 osx-x64 osx-arm64 win-x64)
version=""
out="$root/artifacts/downloads"
rids=()
compress=()

die() { echo "package.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "--out needs a directory"; out=$2; shift 2 ;;
    --rid) [ $# -ge 2 ] || die "--rid needs a value"; rids+=("$2"); shift 2 ;;
    --compress) compress=(-p:EnableCompressionInSingleFile=true); shift ;;
    --no-compress) compress=(); shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die "unknown option '$1' (try --help)" ;;
  esac
done
[ ${#rids[@]} -gt 0 ] || rids=("${all_rids[@]}")
for rid in "${rids[@]}"; do
  case " ${all_rids[*]} " in *" $rid "*) ;; *) die "unsupported RID '$rid' (supported: ${all_rids[*]})" ;; esac
done

if [ -z "$version" ]; then
  version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$root/Directory.Build.props" | head -n 1)
  [ -n "$version" ] || die "no <Version> in Directory.Build.props; pass --version"
fi
# A version ends up in file metadata and in the agent's reports: keep it a plain SemVer.
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || die "--version '$version' is not a version like 1.2.3 or 1.2.3-rc.1"

mkdir -p "$out"
out=$(cd "$out" && pwd)
# The publish uses its own bin/obj tree, so it never touches the solution's build output (tests may be using it).
scratch=$(mktemp -d "${TMPDIR:-/tmp}/secplat-package.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

built=()
failed=()
for rid in "${rids[@]}"; do
  name="secplat-agent-$rid"
  exe="secplat-agent"
  case "$rid" in win-*) name="$name.exe"; exe="$exe.exe" ;; esac
  echo "package.sh: publishing $name ($version)"
  log="$scratch/$rid.log"
  # Not trimmed: LiteDB and the gRPC/protobuf stack use reflection that trimming would break.
  if dotnet publish "$root/Agent/SecPlatform.Agent/SecPlatform.Agent.csproj" -c Release -r "$rid" --self-contained \
      -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true ${compress[@]+"${compress[@]}"} \
      -p:DebugType=none -p:Version="$version" --artifacts-path "$scratch/build" -o "$scratch/$rid" -nologo >"$log" 2>&1 \
     && [ -f "$scratch/$rid/$exe" ]; then
    # Written next to the target, then renamed: a reader never sees half a binary.
    cp "$scratch/$rid/$exe" "$out/.$name.tmp"
    chmod 0755 "$out/.$name.tmp"
    mv -f "$out/.$name.tmp" "$out/$name"
    built+=("$rid")
  else
    reason=$(grep -m 1 -E 'error [A-Z]+[0-9]+' "$log" | sed -E 's/^.*(error [A-Z]+[0-9]+)/\1/' || true)
    failed+=("$rid: ${reason:-dotnet publish failed, see the log below}")
    [ -n "$reason" ] || tail -n 20 "$log" >&2
  fi
done

# The installers, under the flat names the control plane serves them by.
copy() {
  if [ ! -f "$root/installers/$1" ]; then
    failed+=("installers/$1: not in this checkout")
    return
  fi
  cp "$root/installers/$1" "$out/.$2.tmp" && chmod "$3" "$out/.$2.tmp" && mv -f "$out/.$2.tmp" "$out/$2"
}
copy linux/install.sh install-linux.sh 0755
copy linux/uninstall.sh uninstall-linux.sh 0755
copy linux/secplat-agent.service.in secplat-agent.service.in 0644
copy macos/install.sh install-macos.sh 0755
copy macos/uninstall.sh uninstall-macos.sh 0755
copy macos/com.secplatform.agent.plist.in com.secplatform.agent.plist.in 0644
copy windows/install.ps1 install-windows.ps1 0644
copy windows/uninstall.ps1 uninstall-windows.ps1 0644

(cd "$out" && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name '.*' -printf '%f\n' | LC_ALL=C sort | xargs sha256sum >.SHA256SUMS.tmp && mv -f .SHA256SUMS.tmp SHA256SUMS)

echo "package.sh: version $version in $out"
for rid in "${built[@]}"; do
  file="secplat-agent-$rid"; case "$rid" in win-*) file="$file.exe" ;; esac
  printf '  built    %-12s %s (%s bytes)\n' "$rid" "$file" "$(stat -c %s "$out/$file")"
done
for entry in "${failed[@]}"; do
  printf '  MISSING  %s\n' "$entry"
done

case " ${built[*]} " in
  *" linux-x64 "*) exit 0 ;;
esac
case " ${rids[*]} " in
  *" linux-x64 "*) echo "package.sh: linux-x64 did not build" >&2; exit 1 ;;
esac
[ ${#built[@]} -gt 0 ] || { echo "package.sh: nothing built" >&2; exit 1; }
