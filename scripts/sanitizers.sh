#!/usr/bin/env bash
# Builds the package with its tests under a sanitizer and runs the whole test suite with it: AddressSanitizer (with
# LeakSanitizer) in .build-asan, ThreadSanitizer in .build-tsan. The tests start the binaries built next to the test
# bundle, so the function processes and fc-local they spawn are sanitized too. Every process writes its reports into
# one directory; the run fails when a test fails or when any report is left that the suppression files
# (scripts/lsan-suppressions.txt, scripts/tsan-suppressions.txt, each entry explained there) do not cover.
# See "Sanitizers" in the README for the measured results.
#
# Usage: scripts/sanitizers.sh [address|thread]... [-- swift-test-arguments]   (default: address, then thread)
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizers=()
test_arguments=()
while [ $# -gt 0 ]; do
  case "$1" in
    address | thread) sanitizers+=("$1") ;;
    --) shift; test_arguments=("$@"); break ;;
    *) echo "usage: scripts/sanitizers.sh [address|thread]... [-- swift-test-arguments]" >&2; exit 2 ;;
  esac
  shift
done
[ "${#sanitizers[@]}" -gt 0 ] || sanitizers=(address thread)
work=$(mktemp -d "${TMPDIR:-/tmp}/fc-sanitizers.XXXXXX")
# The Swift runtime's backtracer reads other threads' memory, which the sanitizers report; they print their own stacks.
export SWIFT_BACKTRACE=enable=no

failed=()
for sanitizer in "${sanitizers[@]}"; do
  reports="$work/$sanitizer"
  mkdir -p "$reports"
  case "$sanitizer" in
    address)
      scratch=.build-asan
      # quarantine_size_mb: freed blocks wait in a quarantine (256 MB by default) before reuse; HardeningTests checks
      # that a function's memory goes back down after 64 MiB answers, which a 32 MB quarantine still lets it see.
      export ASAN_OPTIONS="log_path=$reports/report:quarantine_size_mb=32"
      export LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt:print_suppressions=0"
      ;;
    thread)
      scratch=.build-tsan
      export TSAN_OPTIONS="log_path=$reports/report:suppressions=$PWD/scripts/tsan-suppressions.txt:print_suppressions=0"
      ;;
  esac

  echo "== $sanitizer sanitizer: build ($scratch)"
  started=$SECONDS
  swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$work/$sanitizer-build.log" 2>&1 \
    || { tail -30 "$work/$sanitizer-build.log"; echo "error: the $sanitizer build failed" >&2; exit 1; }
  built=$SECONDS

  echo "== $sanitizer sanitizer: swift test (built in $((built - started)) s)"
  status=0
  swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" ${test_arguments[@]+"${test_arguments[@]}"} \
    >"$work/$sanitizer-test.log" 2>&1 || status=$?
  grep -E '^(✘ Test .* recorded an issue|✔ Test run with|✘ Test run with)' "$work/$sanitizer-test.log" | tail -40 || true
  found=$(grep -lE 'ERROR: (Address|Leak|Thread)Sanitizer|WARNING: ThreadSanitizer' "$reports"/report* 2>/dev/null || true)
  echo "$sanitizer sanitizer: swift test exited $status after $((SECONDS - built)) s; $(echo "$found" | grep -c . || true) process(es) left reports"
  for report in $found; do
    echo "--- $report"
    grep -E 'ERROR:|WARNING:|SUMMARY:|^ +#[0-9]+ .* in ' "$report" | head -25
  done
  if [ "$status" -ne 0 ] || [ -n "$found" ]; then failed+=("$sanitizer"); fi
done

echo "logs and reports: $work"
if [ "${#failed[@]}" -gt 0 ]; then
  echo "error: failed under: ${failed[*]}" >&2
  exit 1
fi
