#!/usr/bin/env bash
# build/gpu-bench.sh — run on a CUDA machine with PyTorch, from the repository root (issue 4, "Speed, shown"):
#   bash build/gpu-bench.sh
# Needs the published CLI of build/publish-gpu.sh at .gpu/semanticgen, or its archive .gpu/semanticgen.tar.xz (publish
# it where .NET is and bring the archive along; the script publishes it itself where dotnet is on PATH). Prints the GPU
# and PyTorch in use, the Wan and encoder parity checks on CUDA (exact fp32: TF32 off, see ExactFloat32), then the Wan
# transformer 1.3B at 81×480×832 (32,760 tokens) in bf16 — forward and forward+backward, without and with gradient
# checkpointing — from C# and from the same model in PyTorch (build/gpu-bench-reference.py), and a closing table. Logs
# go to .gpu/bench/. The whole script stays under about 8 minutes (SG_BENCH_BUDGET_S).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cli=${SG_GPU_CLI:-$root/.gpu/semanticgen/semanticgen}
logs=$root/.gpu/bench
budget=${SG_BENCH_BUDGET_S:-450}
steps=${SG_BENCH_STEPS:-5}
mkdir -p "$logs"
say() { printf '\n== %s\n' "$*"; }
left() { echo $((budget - SECONDS)); }
# run LOG CAP CMD...: CMD under a timeout of min(CAP, time left), its output to LOG and (last lines) the terminal.
run() {
  local log=$1 cap=$2; shift 2
  local limit; limit=$(left); [ "$limit" -gt "$cap" ] && limit=$cap
  if [ "$limit" -lt 20 ]; then echo "skipped (time budget of ${budget}s spent): $*" | tee "$logs/$log"; return 124; fi
  timeout "$limit" "$@" >"$logs/$log" 2>&1
  local rc=$?
  grep -v '^ *at ' "$logs/$log" | tail -n 14
  [ $rc -eq 124 ] && echo "timed out after ${limit}s"
  echo "exit $rc"
  return $rc
}

say "GPU"
nvidia-smi || echo "nvidia-smi failed: no NVIDIA driver visible"

say "PyTorch"
python3 -c "import torch, os; print('torch', torch.__version__, '| CUDA', torch.version.cuda, '| cuda available', torch.cuda.is_available(), '|', torch.cuda.get_device_name() if torch.cuda.is_available() else 'no device'); print('lib dir', os.path.dirname(torch.__file__) + '/lib')" \
  || { echo "python3 cannot import torch: install PyTorch with CUDA, or set SG_TORCH_LIB"; }
if [ -z "${SG_TORCH_LIB:-}" ]; then
  SG_TORCH_LIB=$(python3 -c "import torch,os;print(os.path.dirname(torch.__file__)+'/lib')" 2>/dev/null) || SG_TORCH_LIB=
fi
export SG_TORCH_LIB   # found once here, so no CLI call below starts python to look
echo "SG_TORCH_LIB=$SG_TORCH_LIB"
ls -l "$SG_TORCH_LIB"/libc10.so "$SG_TORCH_LIB"/libtorch_cpu.so "$SG_TORCH_LIB"/libc10_cuda.so "$SG_TORCH_LIB"/libtorch_cuda.so "$SG_TORCH_LIB"/libtorch.so 2>&1

say "CLI"
if [ ! -e "$cli" ] && [ -f "$(dirname "$cli").tar.xz" ]; then
  tar -xJf "$(dirname "$cli").tar.xz" -C "$(dirname "$(dirname "$cli")")" && echo "unpacked $(dirname "$cli").tar.xz"
fi
if [ ! -e "$cli" ]; then
  if command -v dotnet >/dev/null; then bash build/publish-gpu.sh; else
    echo "$cli is missing and there is no .NET here: run build/publish-gpu.sh where .NET is and bring .gpu/semanticgen along"; exit 1
  fi
fi
chmod +x "$cli" 2>/dev/null || true
du -sh "$(dirname "$cli")"

say "models check --device cuda (tests/fixtures/wan)"
for pair in wan-transformer:wan_transformer wan-vae:wan_vae umt5:umt5_encoder flowmatch:; do
  component=${pair%%:*}; fixture=tests/fixtures/wan/${pair#*:}
  echo "-- $component"
  run "check-$component.txt" 60 "$cli" models check --component "$component" --fixture "$fixture" --device cuda
done

say "encoders check --device cuda (tests/fixtures/encoders)"
for pair in qwen2.5-vl:qwen2_5_vl_vision vjepa2:vjepa2 videomae2:videomae; do
  key=${pair%%:*}; fixture=tests/fixtures/encoders/${pair#*:}
  echo "-- $key"
  run "check-$key.txt" 60 "$cli" encoders check --encoder "$key" --fixture "$fixture" --device cuda
done

case_args=(--model wan-transformer --preset 1.3b --frames 81 --height 480 --width 832 --device cuda --dtype bf16 --steps "$steps")
ref_args=(--preset 1.3b --frames 81 --height 480 --width 832 --dtype bf16 --steps "$steps")
say "C#: bench ${case_args[*]}"
run cs-plain.txt 150 "$cli" bench "${case_args[@]}"
say "C#: same, --gradient-checkpointing"
run cs-ckpt.txt 150 "$cli" bench "${case_args[@]}" --gradient-checkpointing
say "PyTorch: build/gpu-bench-reference.py ${ref_args[*]}"
run py-plain.txt 150 python3 build/gpu-bench-reference.py "${ref_args[@]}"
say "PyTorch: same, --gradient-checkpointing"
run py-ckpt.txt 150 python3 build/gpu-bench-reference.py "${ref_args[@]}" --gradient-checkpointing

# ms/step of a row of the C# table ("│ forward │ 123.4 │ ..."), or of the out-of-memory message ("forward alone: 123.4 ms").
cs_ms() {
  local file=$logs/$1 row=$2 value
  value=$(awk -F'│' -v row="$row" '{ step = $2; gsub(/ /, "", step); ms = $3; gsub(/ /, "", ms); if (step == row) print ms }' "$file" 2>/dev/null | tail -n 1)
  if [ -z "$value" ] && [ "$row" = forward ]; then value=$(grep -o 'forward alone: [0-9.]*' "$file" 2>/dev/null | grep -o '[0-9.]*$'); fi
  if [ -z "$value" ]; then grep -qi 'out of memory' "$file" 2>/dev/null && value=OOM || value=failed; fi
  echo "$value"
}
py_ms() {
  local value
  value=$(grep -o "$2=[0-9.A-Z]*" "$logs/$1" 2>/dev/null | tail -n 1 | cut -d= -f2)
  if [ -z "$value" ]; then grep -qi 'out of memory' "$logs/$1" 2>/dev/null && value=OOM || value=failed; fi
  echo "$value"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
row() { printf '%-44s | %12s | %15s | %5s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }

say "Summary: Wan2.1 transformer 1.3B, 81×480×832 (32,760 tokens), bf16, $steps timed steps ($(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1))"
printf '%-44s | %12s | %15s | %5s\n' case "C# ms/step" "PyTorch ms/step" ratio
cs_fwd=$(cs_ms cs-plain.txt forward); [ "$cs_fwd" = failed ] || [ "$cs_fwd" = OOM ] && cs_fwd=$(cs_ms cs-ckpt.txt forward)
py_fwd=$(py_ms py-plain.txt forward_ms); [ "$py_fwd" = failed ] && py_fwd=$(py_ms py-ckpt.txt forward_ms)
row "forward" "$cs_fwd" "$py_fwd"
row "forward+backward" "$(cs_ms cs-plain.txt forward+backward)" "$(py_ms py-plain.txt train_ms)"
row "forward+backward, gradient checkpointing" "$(cs_ms cs-ckpt.txt forward+backward)" "$(py_ms py-ckpt.txt train_ms)"
grep -h -o 'peak CUDA memory in use [0-9]* MiB' "$logs"/cs-*.txt 2>/dev/null | sed 's/^/C#: /'
grep -h -o 'peak allocated .*' "$logs"/py-*.txt 2>/dev/null | sed 's/^/PyTorch: /'
echo "logs: $logs; total ${SECONDS}s"
