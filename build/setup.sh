#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine: Debian packages the project needs, NuGet restore, build.
# Every step checks first and does nothing when already done, so the launcher runs it on every call.
# usage: build/setup.sh [--cli | --all]
#   --cli  (default) build only the `semanticgen` CLI, and only when a source file changed since the last build
#   --all  build the whole solution (the test command uses this)
# Progress goes to stderr so a command's own output on stdout stays clean.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:---cli}
say() { printf '[setup] %s\n' "$*" >&2; }

# 1. Debian packages: ffmpeg always; patchelf, g++ and python3 only where TorchSharp needs the libstdc++ fix.
needs_torch_fix() {
  local lib
  lib=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
  lib=${lib:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}
  ! grep -qa GLIBCXX_3.4.32 "$lib" 2>/dev/null
}
missing=()
command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || missing+=(ffmpeg)
if needs_torch_fix; then
  command -v patchelf >/dev/null || missing+=(patchelf)
  command -v g++ >/dev/null || missing+=(g++)
  command -v python3 >/dev/null || missing+=(python3)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); elif command -v sudo >/dev/null; then apt=(sudo apt-get); else
    say "missing Debian packages: ${missing[*]}; install them (apt-get install ${missing[*]}) or run as root"; exit 1
  fi
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq >&2
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# 2. .NET SDK: the machine provides it; say clearly when it does not.
command -v dotnet >/dev/null || { say "the .NET 10 SDK (dotnet) is not on PATH; install it from https://dot.net"; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# 3. Restore + build (Release, incremental). The libstdc++ fix runs as a post-build step of every project that
#    takes the native libtorch bundle (Directory.Build.targets → build/torchsharp-fix.sh).
stamp_dir="$root/.build"; mkdir -p "$stamp_dir"
changed_since() {  # any build input newer than the stamp?
  [ -f "$1" ] || return 0
  [ -n "$(find "$root/src" "$root/plugins" "$root/pipelines" "$root/tests" "$root/build" "$root"/Directory.*.props \
      "$root"/Directory.Build.targets "$root/global.json" "$root/SemanticGen.Pipelines.sln" \
      \( -name bin -o -name obj \) -prune -o -newer "$1" -type f -print -quit 2>/dev/null)" ]
}
outputs_missing() {  # a build output that the stamp vouches for was deleted?
  local project name
  if [ "$1" = cli ]; then
    [ -f "$root/src/SemanticGen.Cli/bin/Release/net10.0/semanticgen.dll" ] || return 0
  else
    for project in "$root"/tests/*/*.Tests.csproj; do
      name=$(basename "$project" .csproj)
      [ -f "$(dirname "$project")/bin/Release/net10.0/$name.dll" ] || return 0
    done
  fi
  return 1
}
build() {  # build TARGET STAMP KIND
  if changed_since "$2" || outputs_missing "$3"; then
    say "building $1 (Release)"
    local log="$stamp_dir/build.log"
    if ! dotnet build "$root/$1" -c Release -nologo -v q -clp:NoSummary >"$log" 2>&1; then
      grep -E 'error|Error' "$log" | sort -u | head -40 >&2; say "build failed; full log: $log"; exit 1
    fi
    touch "$2"
  fi
}
case "$mode" in
  --cli) build src/SemanticGen.Cli/SemanticGen.Cli.csproj "$stamp_dir/cli.stamp" cli ;;
  --all) build SemanticGen.Pipelines.sln "$stamp_dir/all.stamp" all ;;
  *) say "unknown option $mode (use --cli or --all)"; exit 2 ;;
esac
