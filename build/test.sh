#!/usr/bin/env bash
# The test command: set-up (idempotent), build the solution, run every test project, print a summary line
# "N passed, N failed[, N skipped]" last. Exit code 0 only when nothing failed.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# oneDNN's convolution backward gives NaN or run-to-run different gradients on this project's AMD EPYC (Zen 4, AVX-512)
# machines. Measured on the VAE decoder-refinement test: uncapped and capped at AVX2 it failed 2 of 3 runs; capped at
# SSE4.1 it passed 6 of 6 (and the VAE training test 3 of 3). So cap it at SSE4.1 unless the caller chose.
export ONEDNN_MAX_CPU_ISA="${ONEDNN_MAX_CPU_ISA:-SSE41}" DNNL_MAX_CPU_ISA="${DNNL_MAX_CPU_ISA:-SSE41}"
"$root/build/setup.sh" --all || { echo "0 passed, 1 failed"; exit 1; }
log="$root/.build/test.log"
start=$(date +%s)
(cd "$root" && dotnet test --solution SemanticGen.Pipelines.sln -c Release --no-build --no-progress "$@") 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# Microsoft.Testing.Platform prints one "Test run summary" block with totals for the whole solution.
summary=$(awk '/Test run summary/ {found=1} found' "$log")
num() { printf '%s\n' "$summary" | awk -v k="$1:" '$1==k {print $2; exit}'; }
passed=$(num succeeded); failed=$(num failed); skipped=$(num skipped)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
if [ "$rc" -ne 0 ] && [ "$failed" = 0 ]; then failed=1; echo "dotnet test exited with $rc (see $log)"; fi
echo "test time: $(( $(date +%s) - start )) s"
line="$passed passed, $failed failed"
[ "$skipped" != 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" = 0 ]
