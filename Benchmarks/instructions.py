#!/usr/bin/env python3
"""User-space instructions per request, counted by valgrind's callgrind: a figure that does not move with the load of
a shared machine, for judging small changes that throughput runs cannot resolve.

Each configuration is started under `valgrind --tool=callgrind --instr-atstart=no` (from a copy of its release binary
without debug information: valgrind cannot read the static binaries' DWARF), warmed up with 400 invocations, then
instrumented for N invocations of the benchmark's event over K keep-alive connections. The report is total user-space
instructions / N. Kernel work (system calls, wake-ups) is not counted, and time-driven work is distorted (the
process runs ~50x slower under valgrind, so the 100 ms memory gauge comes around more often per request, and the
exporter's batches hold ~50x fewer spans, each export request's fixed cost shared by fewer invocations than at full
speed); compare configurations, not absolute figures.

Usage: Benchmarks/instructions.py [--requests N] [--connections K] [--configs a,b] [--keep]
Configurations: swift-fc-runtime, records-off, tracing-on (collector: the bare server on loopback, configured by
environment), tracing-fc-headers (the same collector and a sampled platform span sent as FC sends them, in the
headers of every invocation), hummingbird-core, hummingbird-app (the Application + Router echo of
Benchmarks/Peers/hummingbird-app, which bench.py builds).
Needs valgrind (Debian `valgrind`) and release builds (`swift build -c release --static-swift-stdlib`).
--keep leaves the callgrind files in a temporary directory and prints it (for callgrind_annotate).
"""

import argparse
import glob
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def event_headers():
    """The headers of Benchmarks/invoke.lua, so both tools send the same request."""
    headers = {}
    with open(os.path.join(ROOT, "Benchmarks", "invoke.lua")) as script:
        for line in script:
            match = re.match(r'wrk.headers\["([^"]+)"\] = "([^"]*)"', line)
            if match:
                headers[match.group(1)] = match.group(2)
    return headers


def wait_for_port(port, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def invoke(port, total, connections, headers):
    failures = []

    def worker(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        for _ in range(count):
            connection.request("POST", "/invoke", b'{"message":"hi there"}', headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=worker, args=(total // connections,)) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} invocations failed (statuses {sorted(set(failures))})")


def count(binary, env, extra_headers, requests, connections, out_dir, name):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FC_", "SWIFT_FC_"))}
    environment.update(env)
    environment["FC_SERVER_PORT"] = environment["FC_CUSTOM_LISTEN_PORT"] = str(port)
    out = os.path.join(out_dir, f"{name}.callgrind")
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}", binary],
        env=environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, 120)
        headers = {**event_headers(), **extra_headers}
        invoke(port, 400, connections, headers)
        subprocess.run(["callgrind_control", "-i", "on", str(process.pid)], check=True, capture_output=True)
        invoke(port, requests, connections, headers)
        subprocess.run(["callgrind_control", "-i", "off", str(process.pid)], check=True, capture_output=True)
    finally:
        process.terminate()
        process.wait()
        drain.wait()
    total = 0
    for part in glob.glob(out + "*"):
        with open(part, errors="replace") as data:
            for line in data:
                # `totals:` holds what was counted while instrumented (`summary:` stays 0 when it starts off).
                if line.startswith("totals:"):
                    total += int(line.split()[1])
    if total == 0:
        raise RuntimeError(f"callgrind recorded nothing for {name}")
    return total / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--configs", default="swift-fc-runtime,records-off,tracing-on,hummingbird-core")
    parser.add_argument("--keep", action="store_true")
    arguments = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "strip"):
        if shutil.which(tool) is None:
            sys.exit(f"error: {tool} is missing (Debian: apt-get install valgrind binutils)")
    bin_path = subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT, text=True).strip()
    out_dir = tempfile.mkdtemp(prefix="instructions-")
    binaries = {}
    for product in ("conformance-function", "bench-hummingbird-echo"):
        source = os.path.join(bin_path, product)
        if not os.path.exists(source):
            sys.exit(f"error: {source} is missing; build it with swift build -c release --static-swift-stdlib --product {product}")
        binaries[product] = os.path.join(out_dir, product)
        subprocess.check_call(["strip", "--strip-debug", "-o", binaries[product], source])
    app_source = os.path.join(subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"],
        cwd=os.path.join(ROOT, "Benchmarks", "Peers", "hummingbird-app"), text=True).strip(), "hummingbird-app-echo")
    if os.path.exists(app_source):
        binaries["hummingbird-app-echo"] = os.path.join(out_dir, "hummingbird-app-echo")
        subprocess.check_call(["strip", "--strip-debug", "-o", binaries["hummingbird-app-echo"], app_source])

    collector_port = free_port()
    collector = subprocess.Popen(
        [binaries["bench-hummingbird-echo"]], env={**os.environ, "FC_SERVER_PORT": str(collector_port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    configs = {
        "swift-fc-runtime": (binaries["conformance-function"], {}, {}),
        "records-off": (binaries["conformance-function"], {"SWIFT_FC_REQUEST_METRICS": "false"}, {}),
        "tracing-on": (binaries["conformance-function"], {
            "SWIFT_FC_TRACING_ENDPOINT": f"http://127.0.0.1:{collector_port}/api/traces",
            "SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "1000000000"}, {}),
        # As FC traces: the collector and the sampled platform span arrive as headers of every invocation.
        "tracing-fc-headers": (binaries["conformance-function"], {}, {
            "x-fc-tracing-jaeger-endpoint": f"http://127.0.0.1:{collector_port}/adapt_bench@bench_token/api/traces",
            "x-fc-tracing-opentracing-span-context": "5d1c07ef2ebd3a4b8f1e2a3c4d5e6f70:8f1e2a3c4d5e6f70:0:1"}),
        "hummingbird-core": (binaries["bench-hummingbird-echo"], {}, {}),
    }
    if "hummingbird-app-echo" in binaries:
        configs["hummingbird-app"] = (binaries["hummingbird-app-echo"], {}, {})
    try:
        wait_for_port(collector_port, 10)
        results = {}
        for name in arguments.configs.split(","):
            if name not in configs:
                sys.exit(f"error: unknown or unbuilt configuration {name} (known: {', '.join(configs)})")
            binary, env, extra_headers = configs[name]
            results[name] = count(binary, env, extra_headers, arguments.requests, arguments.connections, out_dir, name)
            print(f"{name:18s} {results[name] / 1000:8.1f} k instructions per request", flush=True)
        base = results.get("swift-fc-runtime")
        if base:
            print("ratios to swift-fc-runtime: " + ", ".join(f"{n} {v / base:.2f}x" for n, v in results.items()))
    finally:
        collector.terminate()
        collector.wait()
        if arguments.keep:
            print(f"callgrind files: {out_dir}")
        else:
            shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
