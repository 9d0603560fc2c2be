#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ (debug, -sanitize=fuzzer,address) and runs each one for N seconds on a
# temporary copy of its seed corpus (Fuzz/Corpus/<target>), so nothing is written into the repository. Fails when
# a target finds a crash, a broken invariant, a memory error, a leak or an input that takes over 10 s; the input is
# kept under the printed artifacts directory. See "Fuzzing" in the README.
#
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]      (defaults: 30 s, every target)
# Environment: FUZZ_SCRATCH (build directory, default Fuzz/.build), FUZZ_WORK (where corpora, logs and crash
# inputs go, default a new temporary directory).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [seconds-per-target] [target...]" >&2; exit 2; }
shift || true
all_targets=(fuzz-context fuzz-span-context fuzz-baggage fuzz-span-encoders fuzz-log-records)
targets=("${@:-${all_targets[@]}}")
scratch=${FUZZ_SCRATCH:-Fuzz/.build}
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/fc-fuzz.XXXXXX")}

# SwiftPM's --sanitize=fuzzer keeps the executables' `main` for libFuzzer; the address sanitizer is added through
# -Xswiftc because the driver takes only the last -sanitize= flag and SwiftPM passes one per sanitizer.
build=(swift build --package-path Fuzz --scratch-path "$scratch" -c debug --sanitize=fuzzer
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
echo "== building the fuzz targets"
log="$work/build.log"
mkdir -p "$work"
# The build's own status goes through a file: under pipefail, `cmd | tee | grep || true` would hide it. Errors and
# our warnings are shown as the build goes.
{ "${build[@]}" 2>&1; echo $? > "$work/build.status"; } | tee "$log" | grep -E 'error:|/Fuzz/Sources/.*warning:|Build complete' || true
[ "$(cat "$work/build.status")" -eq 0 ] || { echo "error: the fuzz targets do not build (see $log)" >&2; exit 1; }
if grep -E '^/.*/Fuzz/Sources/[^ ]*: warning:' "$log"; then
  echo "error: the warnings above are in the fuzz targets" >&2
  exit 1
fi
bin=$("${build[@]}" --show-bin-path)

# libFuzzer reports crashes itself; the Swift runtime's backtracer would only slow them down. Allocation stacks are
# kept short for speed: replay a crash input without ASAN_OPTIONS to see full ones.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=5}

failed=()
printf '\n%-20s %10s %10s %8s %8s %s\n' target runs exec/s cov ft result
for target in "${targets[@]}"; do
  corpus="$work/corpus/$target"
  mkdir -p "$corpus" "$work/artifacts"
  cp Fuzz/Corpus/"$target"/* "$corpus"/ 2>/dev/null || true
  status=0
  "$bin/$target" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$target-" "$corpus" >"$work/$target.log" 2>&1 || status=$?
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$work/$target.log")
  speed=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$work/$target.log")
  last=$(grep -E '^#[0-9]+' "$work/$target.log" | tail -1)
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  if [ "$status" -eq 0 ]; then result=ok; else result="FAILED (exit $status)"; failed+=("$target"); fi
  printf '%-20s %10s %10s %8s %8s %s\n' "$target" "$runs" "$speed" "${cov:--}" "${ft:--}" "$result"
  if [ "$status" -ne 0 ]; then
    grep -vE '^(#[0-9]|INFO:|\s+NEW_FUNC|"|###)' "$work/$target.log" | head -40 | sed 's/^/    /'
    for input in "$work/artifacts/$target-"*; do
      [ -e "$input" ] && echo "    reproduce: FUZZ_TRACE=1 $bin/$target $input"
    done
  fi
done
echo "logs, corpora and crash inputs: $work"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "error: fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
