#!/usr/bin/env python3
"""Soak test of the runtime: a steady moderate load for N seconds with the FCInsights record, the instance
metrics (every 10 s) and tracing (every invocation sampled, Jaeger Thrift to a collector on loopback) all on.

Passes when no request failed, resident memory grew less than 5% from the end of the warm-up to the end, and the
number of open file descriptors did not grow. Prints a markdown summary; exits 1 on failure.

Usage: scripts/soak.py [--seconds 300] [--connections 4] [--delay-ms 2] [--warmup 30]
SOAK_NO_BUILD=1 uses the release products already built.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, process, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit("a soak process exited early")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit("a soak process did not listen")


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--delay-ms", type=int, default=2, help="pause per connection between requests")
    parser.add_argument("--warmup", type=int, default=30, help="seconds before the memory baseline is taken")
    args = parser.parse_args()
    products = ["conformance-function", "bench-hummingbird-echo"]
    if not os.environ.get("SOAK_NO_BUILD"):
        for product in products:
            subprocess.check_call(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", product], cwd=ROOT)
    bin_path = subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT, text=True).strip()

    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_", "SWIFT_FC_"))}
    sink_port, port = free_port(), free_port()
    sink = subprocess.Popen([os.path.join(bin_path, "bench-hummingbird-echo")], env=dict(base_env, FC_SERVER_PORT=str(sink_port)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(base_env, FC_SERVER_PORT=str(port), SWIFT_FC_TRACING_ENDPOINT=f"http://127.0.0.1:{sink_port}/api/traces",
               SWIFT_FC_TRACING_SAMPLES_PER_SECOND="1000000000", SWIFT_FC_INSTANCE_METRICS_INTERVAL="10")
    function = subprocess.Popen([os.path.join(bin_path, "conformance-function")], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Count the lines the runtime writes, as a log collector would read them.
    counter = subprocess.Popen(["wc", "-l"], stdin=function.stdout, stdout=subprocess.PIPE, text=True)
    function.stdout.close()
    try:
        wait_listening(sink_port, sink)
        wait_listening(port, function)
        wrk_env = dict(os.environ, SOAK_INVOKE_LUA=os.path.join(ROOT, "Benchmarks", "invoke.lua"), SOAK_DELAY_MS=str(args.delay_ms))
        wrk = subprocess.Popen(
            ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s", os.path.join(ROOT, "scripts", "soak.lua"),
             f"http://127.0.0.1:{port}"], env=wrk_env, stdout=subprocess.PIPE, text=True)
        samples = []
        started = time.time()
        while wrk.poll() is None:
            samples.append((time.time() - started, status_kb(function.pid, "VmRSS"), open_fds(function.pid)))
            time.sleep(5)
        output = wrk.stdout.read()
    finally:
        function.terminate()
        function.wait(timeout=40)
        sink.terminate()
        sink.wait()
    lines = int(counter.communicate()[0].strip() or 0)

    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    socket_errors = m.group(1) if (m := re.search(r"Socket errors: (.*)", output)) else "none"
    p99 = re.search(r"\s99%\s+(\S+)", output).group(1)
    after_warmup = [s for s in samples if s[0] >= args.warmup] or samples
    rss_base, rss_end, rss_max = after_warmup[0][1], samples[-1][1], max(s[1] for s in after_warmup)
    fd_base, fd_end = after_warmup[0][2], samples[-1][2]
    growth = (rss_end - rss_base) / rss_base * 100
    passed = non_2xx == 0 and socket_errors == "none" and growth < 5 and fd_end <= fd_base
    print(f"Soak: {args.seconds} s, wrk -t1 -c{args.connections}, {args.delay_ms} ms pause per connection; records, instance metrics "
          f"(10 s) and tracing (every invocation, Jaeger Thrift to loopback) on.\n")
    print("| requests | req/s | failed (non-2xx) | socket errors | p99 | RSS after warm-up → end (max) | RSS growth | open fds after warm-up → end | stdout lines |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {requests} | {requests / args.seconds:.0f} | {non_2xx} | {socket_errors} | {p99} | {rss_base / 1024:.1f} → {rss_end / 1024:.1f} "
          f"({rss_max / 1024:.1f}) MB | {growth:+.2f}% | {fd_base} → {fd_end} | {lines} |")
    print("\nresult:", "pass" if passed else "FAIL")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
