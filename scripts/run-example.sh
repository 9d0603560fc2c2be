#!/usr/bin/env bash
# Runs the bundled `hello` function locally and sends it one invocation the way Function Compute does:
# starts the binary on a free port, waits for its ready line, POSTs /invoke with FC's headers, prints the
# response and the function's log lines, then stops it with SIGTERM.  Usage: scripts/run-example.sh [event]
set -euo pipefail
cd "$(dirname "$0")/.."
event=${1:-Swift}
swift build --product hello >&2
binary="$(swift build --show-bin-path)/hello"
log=$(mktemp)
FC_SERVER_PORT=0 FC_FUNCTION_NAME=hello "$binary" >"$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 500); do grep -q "runtime inited" "$log" && break; sleep 0.01; done
port=$(grep -o 'listening on 0.0.0.0:[0-9]*' "$log" | head -1 | cut -d: -f2)
curl -sS --noproxy '*' -X POST "http://127.0.0.1:$port/invoke" \
  -H "x-fc-request-id: $(cat /proc/sys/kernel/random/uuid)" -H 'x-fc-control-path: /invoke' \
  -H 'x-fc-function-name: hello' -H 'x-fc-function-handler: hello' -H 'x-fc-function-memory: 128' \
  -H 'x-fc-function-timeout: 3' -H 'x-fc-region: cn-hangzhou' --data-binary "$event"
echo
kill -TERM $pid; wait $pid || true
echo "--- function output" >&2
cat "$log" >&2
