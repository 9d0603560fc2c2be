#!/usr/bin/env python3
"""Side-by-side benchmark of FC custom-runtime servers on loopback.

Every contender is started as its own process speaking the FC contract (POST /invoke echoes the event), its
stdout drained by `cat` through a pipe as a co-located log collector would. Load
figures come from wrk in interleaved rounds (A, B, A, B, ...) and the median round is reported, so that machine
noise hits every contender alike; ratios to this runtime are what we track. Cold start = process spawn until the
first 200 from POST /invoke, median and p90 over N spawns.

Usage: Benchmarks/bench.py [--quick] [--output BENCHMARKS.md] [--contenders a,b]
BENCH_NO_BUILD=1 skips rebuilding this package's release products (when comparing a build you made yourself).
"""
import argparse
import datetime
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.dirname(os.path.abspath(__file__))


def release_bin_path():
    return subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT, text=True).strip()


PEER_APP = os.path.join(BENCH, "Peers", "hummingbird-app")
# The loopback "collector" of the tracing-on contender: the bare HummingbirdCore server, which answers every POST
# with 200 after reading the body, so that the collector's own cost stays small and equal across rounds.
SINK_PORT = 0


def contenders(bin_path):
    """name -> (command, extra environment, description)."""
    app_bin = subprocess.check_output(["swift", "build", "-c", "release", "--show-bin-path"], cwd=PEER_APP, text=True).strip()
    return {
        "swift-fc-runtime": ([os.path.join(bin_path, "conformance-function")], {}, "this runtime, `echo` handler"),
        "records-off": ([os.path.join(bin_path, "conformance-function")], {"SWIFT_FC_REQUEST_METRICS": "false"},
                        "this runtime, FCInsights record off"),
        "tracing-on": ([os.path.join(bin_path, "conformance-function")],
                       {"SWIFT_FC_TRACING_ENDPOINT": f"http://127.0.0.1:{SINK_PORT}/api/traces",
                        "SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "1000000000"},
                        "this runtime, every invocation traced, Jaeger Thrift to a collector on loopback"),
        "hummingbird-core": ([os.path.join(bin_path, "bench-hummingbird-echo")], {}, "bare HummingbirdCore echo (the floor)"),
        "hummingbird-app": ([os.path.join(app_bin, "hummingbird-app-echo")], {}, "Hummingbird Application + Router echo"),
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


INVOKE = (b"POST /invoke HTTP/1.1\r\nHost: bench\r\nx-fc-request-id: cold\r\nx-fc-function-handler: echo\r\n"
          b"x-fc-control-path: /invoke\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")


def try_invoke(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(INVOKE)
            data = s.recv(64)
            return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


class Running:
    """A contender process with its stdout drained in the background (as FC's log collector would)."""

    def __init__(self, command, env_extra, port):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_", "SWIFT_FC_"))}
        env.update(env_extra)
        env["FC_SERVER_PORT"] = str(port)
        env["FC_CUSTOM_LISTEN_PORT"] = str(port)
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # A separate `cat` drains the log pipe, like a log collector on the same machine.
        self.drain = subprocess.Popen(["cat"], stdin=self.process.stdout, stdout=subprocess.DEVNULL)
        self.process.stdout.close()
        self.port = port

    def wait_ready(self, timeout=20):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if try_invoke(self.port):
                return time.perf_counter() - self.started
            if self.process.poll() is not None:
                raise RuntimeError("contender exited early")
            time.sleep(0.0005)
        raise RuntimeError("contender not ready")

    def rss_kb(self, field="VmRSS"):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return 0

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.drain.wait()


def parse_wrk(output):
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = {p: ms(v, u) for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)", output)}
    maximum = re.search(r"Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": rps, "p50": latencies.get("50"), "p99": latencies.get("99"),
            "max": ms(*maximum.groups()) if maximum else None,
            "errors": int(errors.group(1)) if errors else 0, "socket_errors": socket_errors.group(1) if socket_errors else ""}


def run_wrk(port, connections, seconds):
    output = subprocess.check_output(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", os.path.join(BENCH, "invoke.lua"),
         f"http://127.0.0.1:{port}"], text=True)
    return parse_wrk(output)


def load_rounds(table, names, connections, seconds, rounds):
    results = {name: [] for name in names}
    peaks = {name: 0 for name in names}
    for round_index in range(rounds):
        order = names if round_index % 2 == 0 else list(reversed(names))
        for name in order:
            command, env, _ = table[name]
            running = Running(command, env, free_port())
            try:
                running.wait_ready()
                run_wrk(running.port, connections, 1)  # warm-up
                results[name].append(run_wrk(running.port, connections, seconds))
                peaks[name] = max(peaks[name], running.rss_kb("VmHWM"))
            finally:
                running.stop()
    summary = {}
    for name, runs in results.items():
        median_run = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
        summary[name] = dict(median_run, peak_rss_kb=peaks[name], all_rps=[round(r["rps"]) for r in runs])
    return summary


def cold_starts(table, names, spawns):
    samples = {name: [] for name in names}
    idle = {name: 0 for name in names}
    for _ in range(spawns):
        for name in names:
            command, env, _ = table[name]
            running = Running(command, env, free_port())
            try:
                samples[name].append(running.wait_ready() * 1000)
                idle[name] = running.rss_kb()
            finally:
                running.stop()
    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = {"median": statistics.median(values), "p90": values[int(len(values) * 0.9) - 1], "idle_rss_kb": idle[name]}
    return result


def sampler_cost(bin_path, seconds=20):
    """CPU the runtime uses while idle with a 1 s metrics period, minus the same with the sampler off: the
    sampler's CPU per period."""
    def idle_cpu(interval):
        running = Running([os.path.join(bin_path, "conformance-function")], {"SWIFT_FC_INSTANCE_METRICS_INTERVAL": interval}, free_port())
        try:
            running.wait_ready()
            def cpu():
                # Summed over threads: schedstat's first field is nanoseconds on a CPU.
                task_dir = f"/proc/{running.process.pid}/task"
                return sum(int(open(f"{task_dir}/{tid}/schedstat").read().split()[0]) for tid in os.listdir(task_dir)) / 1e9
            start = cpu()
            time.sleep(seconds)
            return cpu() - start
        finally:
            running.stop()
    on, off = idle_cpu("1"), idle_cpu("0")
    return max(0.0, on - off) / seconds * 1000


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    swift = subprocess.check_output(["swift", "--version"], text=True, stderr=subprocess.STDOUT).splitlines()[0]
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{os.cpu_count()} cores, {model}; {platform.system()} {platform.release()}; {swift}; {wrk}"


def ratio(value, base):
    return f"{value / base:.2f}×" if value and base else "–"


def report(table, names, load, cold, command, connections, seconds, rounds, spawns):
    base = names[0]
    lines = [
        f"Measured {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} on {machine()}.",
        "",
        f"Command: `{command}` — wrk -t1 -c{connections} -d{seconds}s, {rounds} interleaved rounds (median round shown), "
        f"22-byte event with FC's headers; cold start over {spawns} spawns. Ratios are to `{base}`.",
        "",
        "| contender | req/s | ratio | p50 ms | p99 ms | p99 ratio | max ms | errors | cold start median / p90 ms | idle RSS MB | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        l, c = load[name], cold[name]
        lines.append(
            f"| {name} ({table[name][2]}) | {l['rps']:.0f} | {ratio(l['rps'], load[base]['rps'])} | {l['p50']:.2f} | "
            f"{l['p99']:.2f} | {ratio(l['p99'], load[base]['p99'])} | {l['max']:.2f} | {l['errors']} | "
            f"{c['median']:.1f} / {c['p90']:.1f} | {c['idle_rss_kb'] / 1024:.1f} | {l['peak_rss_kb'] / 1024:.1f} |")
    lines.append("")
    lines.append("Per-round req/s: " + "; ".join(f"{n}: {load[n]['all_rps']}" for n in names))
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short rounds, for a smoke run")
    parser.add_argument("--output", help="write the markdown table to this file as well")
    parser.add_argument("--contenders", help="comma-separated subset")
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    for product in ([] if os.environ.get("BENCH_NO_BUILD") else ["conformance-function", "bench-hummingbird-echo"]):
        subprocess.check_call(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", product], cwd=ROOT)
    subprocess.check_call(["swift", "build", "-c", "release"], cwd=PEER_APP)
    global SINK_PORT
    SINK_PORT = free_port()
    sink = Running([os.path.join(release_bin_path(), "bench-hummingbird-echo")], {}, SINK_PORT)
    sink.wait_ready()
    table = contenders(release_bin_path())
    names = args.contenders.split(",") if args.contenders else list(table)
    seconds, rounds, spawns = (3, 2, 5) if args.quick else (10, 5, 25)
    load = load_rounds(table, names, args.connections, seconds, rounds)
    cold = cold_starts(table, names, spawns)
    text = report(table, names, load, cold, " ".join(["Benchmarks/bench.py"] + sys.argv[1:]), args.connections, seconds, rounds, spawns)
    if "swift-fc-runtime" in names:
        text += f"\nInstance sampler: {sampler_cost(release_bin_path(), 5 if args.quick else 20):.2f} ms of CPU per period (1 s period, idle).\n"
    sink.stop()
    print(text)
    if args.output:
        with open(args.output, "w") as out:
            out.write(text)


if __name__ == "__main__":
    main()
