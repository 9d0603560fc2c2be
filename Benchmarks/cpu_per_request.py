#!/usr/bin/env python3
"""CPU time per request, per process, at full speed: the server, the `cat` draining its log pipe, and (for
tracing-on) the loopback span collector — read from /proc/<pid>/stat (user + system) around one wrk run — and the
write system calls per request of the server and the reads (wake-ups) of its log reader, from /proc/<pid>/io.

Throughput on a shared 2-core machine moves with everything else running; CPU per request moves much less, and it
says *where* a configuration's cost lands (in the server, in the log reader, in the collector). Contenders run one
after another in interleaved rounds, as in bench.py; the median round is reported.

Usage: Benchmarks/cpu_per_request.py [--contenders a,b] [--rounds N] [--connections K] [--seconds S] [--binary NAME=PATH]
                                    [--traced-binary NAME=PATH]
Contenders: swift-fc-runtime, records-off, tracing-on, hummingbird-core, hummingbird-core-lines, hummingbird-app, and
any function binary named with --binary (repeatable; e.g. a build of an earlier commit, to compare two builds), or
with --traced-binary to run it configured as tracing-on is.
Needs wrk and the release builds (`swift build -c release --static-swift-stdlib`; the Application echo under
Benchmarks/Peers/hummingbird-app, which bench.py builds).
"""

import argparse
import os
import re
import statistics
import subprocess

from instructions import free_port, wait_for_port  # same directory: the shared port helpers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, "Benchmarks", "invoke.lua")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU of a process (all its threads) so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def system_calls(pid, field):
    """A process's system calls so far from /proc/<pid>/io: `syscw` (the write family) or `syscr` (the read family;
    for the log reader, its wake-ups)."""
    with open(f"/proc/{pid}/io") as io:
        return int(re.search(rf"{field}: (\d+)", io.read()).group(1))


def release_path(package):
    return subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=package, text=True).strip()


def wrk(port, connections, seconds):
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", SCRIPT, f"http://127.0.0.1:{port}/invoke"],
        capture_output=True, text=True, check=True).stdout
    return (int(re.search(r"(\d+) requests in", output).group(1)),
            float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)))


def measure(command, env, sink_pid, connections, seconds):
    """One contender, one round: (req/s, µs per request in the server, the log reader, the collector, the server's
    write calls per request, the log reader's reads per request)."""
    port = free_port()
    server = subprocess.Popen(command, env={**os.environ, **env, "FC_SERVER_PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    drain = subprocess.Popen(["cat"], stdin=server.stdout, stdout=subprocess.DEVNULL)
    server.stdout.close()
    try:
        wait_for_port(port, 10)
        wrk(port, connections, 1)  # warm-up
        before = [cpu_seconds(pid) for pid in (server.pid, drain.pid, sink_pid)]
        calls_before = (system_calls(server.pid, "syscw"), system_calls(drain.pid, "syscr"))
        requests, rate = wrk(port, connections, seconds)
        after = [cpu_seconds(pid) for pid in (server.pid, drain.pid, sink_pid)]
        calls_after = (system_calls(server.pid, "syscw"), system_calls(drain.pid, "syscr"))
    finally:
        server.terminate()
        server.wait()
        drain.wait()
    return ((rate,) + tuple((b - a) * 1e6 / requests for a, b in zip(before, after))
            + tuple((b - a) / requests for a, b in zip(calls_before, calls_after)))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contenders", default="swift-fc-runtime,records-off,tracing-on,hummingbird-app")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=6)
    parser.add_argument("--binary", action="append", default=[], metavar="NAME=PATH",
                        help="another function binary to measure, as contender NAME")
    parser.add_argument("--traced-binary", action="append", default=[], metavar="NAME=PATH",
                        help="another function binary to measure configured as tracing-on is, as contender NAME")
    arguments = parser.parse_args()

    bin_path = release_path(ROOT)
    app_path = release_path(os.path.join(ROOT, "Benchmarks", "Peers", "hummingbird-app"))
    sink_port = free_port()
    # The collector: the bare HummingbirdCore server, which answers POSTs to /api/traces with 202 (as bench.py).
    sink = subprocess.Popen([os.path.join(bin_path, "bench-hummingbird-echo")], env={**os.environ, "FC_SERVER_PORT": str(sink_port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ours = [os.path.join(bin_path, "conformance-function")]
    table = {
        "swift-fc-runtime": (ours, {}),
        "records-off": (ours, {"SWIFT_FC_REQUEST_METRICS": "false"}),
        "tracing-on": (ours, {"SWIFT_FC_TRACING_ENDPOINT": f"http://127.0.0.1:{sink_port}/api/traces",
                              "SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "1000000000"}),
        "hummingbird-core": ([os.path.join(bin_path, "bench-hummingbird-echo")], {}),
        "hummingbird-core-lines": ([os.path.join(bin_path, "bench-hummingbird-echo")], {"BENCH_FC_LINES": "1"}),
        "hummingbird-app": ([os.path.join(app_path, "hummingbird-app-echo")], {}),
    }
    for item in arguments.binary:
        name, path = item.split("=", 1)
        table[name] = ([os.path.abspath(path)], {})
    for item in arguments.traced_binary:
        name, path = item.split("=", 1)
        table[name] = ([os.path.abspath(path)], table["tracing-on"][1])
    names = arguments.contenders.split(",")
    results = {name: [] for name in names}
    try:
        wait_for_port(sink_port, 10)
        for round_number in range(arguments.rounds):
            for name in names:
                command, env = table[name]
                results[name].append(measure(command, env, sink.pid, arguments.connections, arguments.seconds))
                rate, server, drain, collector, writes, reads = results[name][-1]
                print(f"round {round_number + 1} {name:24s} {rate:8.0f} req/s  server {server:6.1f} µs  "
                      f"log reader {drain:4.1f} µs  collector {collector:4.1f} µs  "
                      f"writes {writes:4.2f}  reader wake-ups {reads:4.2f}", flush=True)
    finally:
        sink.terminate()
        sink.wait()
    print(f"\nmedians over {arguments.rounds} rounds, {arguments.connections} connections (µs of CPU per request):")
    print("| contender | req/s | server | log reader | collector | total | server writes | reader reads |")
    print("|---|---|---|---|---|---|---|---|")
    for name in names:
        rows = results[name]
        median = [statistics.median(row[index] for row in rows) for index in range(6)]
        total = statistics.median(sum(row[1:4]) for row in rows)
        print(f"| {name} | {median[0]:.0f} | {median[1]:.1f} | {median[2]:.1f} | {median[3]:.1f} | {total:.1f} "
              f"| {median[4]:.2f} | {median[5]:.2f} |")


if __name__ == "__main__":
    main()
