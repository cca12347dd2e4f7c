#!/usr/bin/env bash
# Makes TorchSharp's native glue (libLibTorchSharp.so) load on systems whose libstdc++ lacks GLIBCXX_3.4.32
# (Debian 12 ships GCC 12's). Applied to the copies in the given output folder after each build; does
# nothing where the system library has the version (Ubuntu 24.04, Debian 13). Idempotent.
# The method and why it is safe: ../shared/docs/platform.md ("TorchSharp on Debian 12"), README "Set-up".
# usage: build/torchsharp-fix.sh OUTPUT_DIR
set -euo pipefail
out_dir=${1:?usage: torchsharp-fix.sh OUTPUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=GLIBCXX_3.4.32
shim_name=libsg_ios_base_init.so

system_libstdcxx=$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
system_libstdcxx=${system_libstdcxx:-/usr/lib/x86_64-linux-gnu/libstdc++.so.6}
if [ -f "$system_libstdcxx" ] && grep -qa "$version" "$system_libstdcxx"; then
  exit 0
fi

mapfile -t libs < <(find "$out_dir" -name libLibTorchSharp.so \( -type f -o -type l \) 2>/dev/null)
[ ${#libs[@]} -gt 0 ] || exit 0

for tool in patchelf g++ python3; do
  command -v "$tool" >/dev/null || { echo "torchsharp-fix: '$tool' is missing; run build/setup.sh (it installs it)" >&2; exit 1; }
done

# The shim is compiled once per checkout into .build/ (git-ignored).
cache="$here/../.build/torchsharp-fix"
shim="$cache/$shim_name"
if [ ! -f "$shim" ] || [ "$here/torchsharp-fix/ios_base_library_init.cpp" -nt "$shim" ]; then
  mkdir -p "$cache"
  g++ -shared -fPIC -O2 -o "$shim.tmp" "$here/torchsharp-fix/ios_base_library_init.cpp"
  mv -f "$shim.tmp" "$shim"
fi

for lib in "${libs[@]}"; do
  dir=$(dirname "$lib")
  # The build links package files from the NuGet cache; patch a private copy, never the cache.
  if [ -L "$lib" ]; then
    cp --dereference "$lib" "$lib.sg-tmp"
    mv -f "$lib.sg-tmp" "$lib"
  fi
  cmp -s "$shim" "$dir/$shim_name" || cp -f "$shim" "$dir/$shim_name"
  if patchelf --print-needed "$lib" | grep -qx "$shim_name"; then
    continue
  fi
  python3 "$here/torchsharp-fix/mark_version_weak.py" "$lib" "$version" >/dev/null
  patchelf --add-needed "$shim_name" --set-rpath '$ORIGIN' "$lib"
done
