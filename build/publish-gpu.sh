#!/usr/bin/env bash
# build/publish-gpu.sh [OUT_DIR] — the `semanticgen` CLI for a CUDA machine that has PyTorch but maybe no .NET:
# self-contained (linux-x64), trimmed (TrimMode=partial: only assemblies marked trimmable, i.e. the framework, are
# trimmed; ours, TorchSharp's and other packages' code is kept whole, so their reflection keeps working), referencing the
# managed TorchSharp package only (-p:SgTorchBundle=none: no libtorch bundle, no Debian libstdc++ fix). At run time
# `--device cuda` loads PyTorch's own libtorch from $SG_TORCH_LIB or python3's torch (SemanticGen.Models/Runtime).
# Default OUT_DIR: .gpu/semanticgen (git-ignored), also packed as OUT_DIR.tar.xz. Copy either to the GPU machine, or run
# build/gpu-bench.sh there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$(realpath -m "${1:-$root/.gpu/semanticgen}")
# Its own obj/bin: this build restores another package graph, which must never touch the tree's (or a caller's) obj/.
export SG_ARTIFACTS=${SG_GPU_ARTIFACTS:-$root/.gpu/build}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null || { echo "publish-gpu: the .NET 10 SDK (dotnet) is not on PATH" >&2; exit 1; }

rm -rf "$out"
dotnet publish "$root/src/SemanticGen.Cli" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:TrimMode=partial -p:SgTorchBundle=none -o "$out" >&2

# The folder must carry TorchSharp's glue and no libtorch of its own (that would load beside PyTorch's).
[ -f "$out/libLibTorchSharp.so" ] || { echo "publish-gpu: $out/libLibTorchSharp.so is missing" >&2; exit 1; }
if ls "$out"/libtorch*.so "$out"/libc10*.so >/dev/null 2>&1; then
  echo "publish-gpu: $out carries a libtorch bundle; it must not (SgTorchBundle=none)" >&2; exit 1
fi
"$out/semanticgen" --help >/dev/null || { echo "publish-gpu: $out/semanticgen --help failed" >&2; exit 1; }
# The same folder as one archive (about 17 of 59 MB): a device call carries the working tree (31 MB, the default model
# included) plus what it names, 64 MiB at most, so carry .gpu/semanticgen.tar.xz; gpu-bench.sh unpacks it.
tar -cJf "$out.tar.xz" -C "$(dirname "$out")" "$(basename "$out")"
echo "published $(du -sh "$out" | cut -f1) to $out and $(du -sh "$out.tar.xz" | cut -f1) to $out.tar.xz; on the GPU machine: bash build/gpu-bench.sh" >&2
