#!/usr/bin/env python3
"""Side-by-side benchmark of FC custom-runtime servers on loopback.

Every contender is started as its own process (in its own session) speaking the FC contract: POST /invoke echoes
the event with `x-fc-status: 200` and prints the FC Start/End lines of the invocation on stdout, which `cat` drains
through a pipe as a co-located log collector would. Load figures come from wrk (-t1) in interleaved rounds
(A, B, C, ..., then C, B, A, ...) and the median round is reported, so that machine noise hits every contender
alike; ratios to this runtime are what we track. Cold start = process spawn until the first 200 from POST /invoke,
median and p90 over N spawns (an in-process spawn loop, polling every 0.5 ms).

Figures: req/s and p50/p99/max latency at each --connections value (16 and 200 by default); cold start; idle RSS
(right after the first invocation) and peak RSS (VmHWM) under the event load and under the large-body load, summed
over the contender's processes (gunicorn's master and worker); echo throughput for 1 MiB and 16 MiB bodies (MiB/s of
events echoed); deployable size (unpacked and as a deflated zip).

Usage: Benchmarks/bench.py [--setup] [--quick] [--output FILE] [--json FILE] [--contenders a,b]
                           [--connections 16,200] [--rounds N] [--seconds S] [--spawns N]
For one budget, an A/B of two contenders with more, shorter rounds resolves a few percent on a noisy machine better
than the full field (e.g. `--contenders swift-fc-runtime,records-off --no-bodies --rounds 12 --seconds 5`); the
report then gives the quartiles of the per-round ratios besides their median.
--setup installs what the peers and the load need first (Debian: golang-go, wrk, nodejs if `node` is missing;
PyPI: the pinned Flask + gunicorn of Benchmarks/Peers/flask-echo/requirements.txt, vendored into the Flask
contender's code directory). Without it, missing tools are reported and their contenders skipped.
A full run takes about 25 minutes on 2 cores.
BENCH_NO_BUILD=1 skips rebuilding this package's release products (when comparing a build you made yourself).
"""
import argparse
import datetime
import hashlib
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.join(BENCH, "Peers")
PEER_APP = os.path.join(PEERS, "hummingbird-app")
# Built peers and code directories; `.build*/` is ignored by git.
OUT = os.path.join(BENCH, ".build", "peers")
MIB = 1024 * 1024
BODY_SIZES = (1 * MIB, 16 * MIB)
# The loopback "collector" of the tracing-on contender: the bare HummingbirdCore server, which answers every POST
# to /api/traces with 202 after reading the body, so that the collector's own cost stays small and equal.
SINK_PORT = 0


def release_bin_path():
    return subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT, text=True).strip()


# --- setup and builds -----------------------------------------------------------------------------------------

def setup():
    """Installs the prerequisites: Debian packages with apt-get, the Flask contender's pinned packages from PyPI
    (vendored into its code directory by build_flask, like `pip install -t .` for a code zip)."""
    # valgrind is for Benchmarks/instructions.py (instructions per invocation).
    packages = ["golang-go", "wrk", "valgrind"] + ([] if shutil.which("node") else ["nodejs"])
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    subprocess.check_call(apt + ["update"])
    subprocess.check_call(apt + ["install", "-y"] + packages)
    build_flask(force=True)


def build_ours():
    for product in ([] if os.environ.get("BENCH_NO_BUILD") else ["conformance-function", "bench-hummingbird-echo"]):
        subprocess.check_call(["swift", "build", "-c", "release", "--static-swift-stdlib", "--product", product], cwd=ROOT)
    # Built the same way as ours: release, static Swift standard library.
    subprocess.check_call(["swift", "build", "-c", "release", "--static-swift-stdlib"], cwd=PEER_APP)


def code_dir(name, files):
    """A code directory like scripts/package.sh makes: (source, name in the directory, strip?) entries."""
    directory = os.path.join(OUT, name)
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    for source, target, strip in files:
        destination = os.path.join(directory, target)
        shutil.copy2(source, destination)
        if strip:
            subprocess.run(["strip", destination], check=False)
    return directory


def build_go():
    """The Go peer: a static, stripped binary (CGO off, -trimpath, -s -w), stdlib only, no module downloads."""
    if not shutil.which("go"):
        return None
    directory = os.path.join(OUT, "go-echo")
    os.makedirs(directory, exist_ok=True)
    env = dict(os.environ, CGO_ENABLED="0", GOPROXY="off")
    try:
        subprocess.check_call(["go", "build", "-trimpath", "-ldflags", "-s -w", "-o", os.path.join(directory, "bootstrap"), "."],
                              cwd=os.path.join(PEERS, "go-echo"), env=env)
    except subprocess.CalledProcessError:
        print("go build failed; the Go contender is skipped", file=sys.stderr)
        return None
    return directory


def build_flask(force=False):
    """The Flask peer's code directory: app.py, bootstrap and site-packages/ from `pip install --target` of the
    pinned requirements (reinstalled only when requirements.txt changes)."""
    source = os.path.join(PEERS, "flask-echo")
    directory = os.path.join(OUT, "flask-echo")
    site = os.path.join(directory, "site-packages")
    requirements = os.path.join(source, "requirements.txt")
    stamp = os.path.join(directory, ".requirements-sha256")
    digest = hashlib.sha256(open(requirements, "rb").read()).hexdigest() + " " + sys.executable
    if force or not os.path.exists(stamp) or open(stamp).read() != digest:
        shutil.rmtree(site, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)
        try:
            subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                                   "--root-user-action=ignore", "--no-deps", "--target", site, "-r", requirements])
        except subprocess.CalledProcessError:
            print("pip could not install the Flask contender's packages; it is skipped", file=sys.stderr)
            return None
        with open(stamp, "w") as out:
            out.write(digest)
    if not os.path.isdir(os.path.join(site, "flask")):
        return None
    for name in ("app.py", "bootstrap"):
        shutil.copy2(os.path.join(source, name), os.path.join(directory, name))
    return directory


# --- contenders -----------------------------------------------------------------------------------------------

DESCRIPTIONS = {
    "swift-fc-runtime": "this runtime (`conformance-function`, `echo` handler): FC lines + FCInsights record on, tracing off",
    "records-off": "this runtime with the FCInsights record off (`SWIFT_FC_REQUEST_METRICS=false`)",
    "tracing-on": "this runtime, every invocation traced (sampler at 10⁹/s), Jaeger Thrift to a collector on loopback",
    "tracing-fc-headers": "this runtime traced as FC traces: the loopback collector's endpoint and a sampled platform span "
                          "arrive in the headers of every invocation (`x-fc-tracing-*`), nothing is configured",
    "hummingbird-core": "bare HummingbirdCore echo: the floor for our stack (no FC lines, no context)",
    "hummingbird-core-lines": "the same bare echo writing the two FC lines of each invocation (one write(2) each, "
                              "`BENCH_FC_LINES=1`): the floor plus the contract's output",
    "hummingbird-app": "Hummingbird Application + Router echo (no FC lines)",
    "go-net-http": "Go `net/http`, stdlib only, FC lines with fmt.Printf (Benchmarks/Peers/go-echo)",
    "flask-gunicorn": "Flask under gunicorn `-w 1 --threads 10 --keep-alive 900`, as FC's Python custom-runtime "
                      "example runs it; FC lines with print (Benchmarks/Peers/flask-echo)",
    "node-http": "Node.js `http`, FC lines with console.log (Benchmarks/Peers/node-echo)",
}


def contenders(bin_path, go_dir, flask_dir):
    """name -> (command with {port}, extra environment)."""
    app_bin = subprocess.check_output(
        ["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=PEER_APP, text=True).strip()
    ours = [os.path.join(bin_path, "conformance-function")]
    table = {
        "swift-fc-runtime": (ours, {}),
        "tracing-on": (ours, {"SWIFT_FC_TRACING_ENDPOINT": f"http://127.0.0.1:{SINK_PORT}/api/traces",
                              "SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "1000000000"}),
        "tracing-fc-headers": (ours, {}),
        "records-off": (ours, {"SWIFT_FC_REQUEST_METRICS": "false"}),
        "hummingbird-core": ([os.path.join(bin_path, "bench-hummingbird-echo")], {}),
        "hummingbird-core-lines": ([os.path.join(bin_path, "bench-hummingbird-echo")], {"BENCH_FC_LINES": "1"}),
        "hummingbird-app": ([os.path.join(app_bin, "hummingbird-app-echo")], {}),
    }
    if go_dir:
        table["go-net-http"] = ([os.path.join(go_dir, "bootstrap")], {})
    if flask_dir:
        # The bootstrap's command, run directly with this interpreter (a `python3` on PATH may be a slow shim).
        table["flask-gunicorn"] = ([sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "10", "-b", "0.0.0.0:{port}",
                                    "--keep-alive", "900", "--chdir", flask_dir, "app:app"],
                                   {"PYTHONPATH": os.path.join(flask_dir, "site-packages")})
    if shutil.which("node"):
        table["node-http"] = ([shutil.which("node"), os.path.join(PEERS, "node-echo", "server.js")], {})
    return table


def deployable_sizes(bin_path, go_dir, flask_dir):
    """name -> (files counted, unpacked bytes, deflated zip bytes): what the function's code zip carries. The Python
    and Node.js interpreters are not counted (they come with the runtime image); Swift and Go bring their runtime
    inside the binary."""
    def measure(directory, skip=()):
        paths = []
        for base, dirs, files in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if d not in skip)
            paths += [os.path.join(base, f) for f in sorted(files) if not f.startswith(".")]
        unpacked = sum(os.path.getsize(p) for p in paths)
        archive = os.path.join(OUT, os.path.basename(directory) + ".zip")
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for p in paths:
                zf.write(p, os.path.relpath(p, directory))
        return unpacked, os.path.getsize(archive)

    sizes = {}
    # Ours: what scripts/package.sh puts in the code zip (bootstrap + the stripped release binary, static stdlib).
    ours = code_dir("swift-fc-runtime", [(os.path.join(ROOT, "bootstrap"), "bootstrap", False),
                                         (os.path.join(bin_path, "conformance-function"), "function", True)])
    sizes["swift-fc-runtime"] = ("bootstrap + stripped `function` (static Swift stdlib), as scripts/package.sh",) + measure(ours)
    for name in ("tracing-on", "records-off"):
        sizes[name] = sizes["swift-fc-runtime"]
    core = code_dir("hummingbird-core", [(os.path.join(ROOT, "bootstrap"), "bootstrap", False),
                                         (os.path.join(bin_path, "bench-hummingbird-echo"), "function", True)])
    sizes["hummingbird-core"] = ("bootstrap + stripped binary (static Swift stdlib)",) + measure(core)
    if go_dir:
        sizes["go-net-http"] = ("the static binary as `bootstrap` (-s -w)",) + measure(go_dir)
    if flask_dir:
        sizes["flask-gunicorn"] = ("app.py + bootstrap + site-packages of flask, gunicorn and their deps "
                                   "(no __pycache__, no bin/)",) + measure(flask_dir, skip=("__pycache__", "bin"))
    node = code_dir("node-echo", [(os.path.join(PEERS, "node-echo", "server.js"), "server.js", False)])
    sizes["node-http"] = ("server.js",) + measure(node)
    return sizes


# --- processes ------------------------------------------------------------------------------------------------

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


def session_pids(sid):
    """The processes of a session (a contender and the children it forked, e.g. gunicorn's worker)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                if int(fields[3]) == sid:  # fields after the command: state ppid pgrp session ...
                    pids.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return pids


class Running:
    """A contender process in its own session, its stdout drained in the background (as FC's log collector would)."""

    def __init__(self, command, env_extra, port):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FC_", "SWIFT_FC_"))}
        env.update(env_extra)
        env["FC_SERVER_PORT"] = str(port)
        env["FC_CUSTOM_LISTEN_PORT"] = str(port)
        command = [part.replace("{port}", str(port)) for part in command]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        # A separate `cat` drains the log pipe, like a log collector on the same machine.
        self.drain = subprocess.Popen(["cat"], stdin=self.process.stdout, stdout=subprocess.DEVNULL)
        self.process.stdout.close()
        self.port = port

    def wait_ready(self, timeout=30):
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if try_invoke(self.port):
                return time.perf_counter() - self.started
            if self.process.poll() is not None:
                raise RuntimeError("contender exited early")
            time.sleep(0.0005)
        raise RuntimeError("contender not ready")

    def rss_kb(self, field="VmRSS"):
        """Summed over the session's processes (VmHWM: the sum of each process's peak)."""
        total = 0
        for pid in session_pids(self.process.pid):
            try:
                with open(f"/proc/{pid}/status") as status:
                    for line in status:
                        if line.startswith(field + ":"):
                            total += int(line.split()[1])
            except OSError:
                pass
        return total

    def _signal(self, sig):
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self):
        self._signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._signal(signal.SIGKILL)
            self.process.wait()
        self._signal(signal.SIGKILL)  # anything the contender left behind in its session
        self.drain.wait()


# --- load -----------------------------------------------------------------------------------------------------

def parse_wrk(output):
    def ms(value, unit):
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = {p: ms(v, u) for p, v, u in re.findall(r"\s(50|99)%\s+([\d.]+)(us|ms|s)", output)}
    maximum = re.search(r"Latency\s+[\d.]+\w+\s+[\d.]+\w+\s+([\d.]+)(us|ms|s)", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return {"rps": rps, "p50": latencies.get("50"), "p99": latencies.get("99"),
            "max": ms(*maximum.groups()) if maximum else None, "errors": errors}


# Contenders whose requests carry more headers than Benchmarks/invoke.lua's (environment for the wrk script).
WRK_ENV = {"tracing-fc-headers": lambda: {"BENCH_TRACE_ENDPOINT": f"http://127.0.0.1:{SINK_PORT}/adapt_bench@bench/api/traces"}}


def run_wrk(port, connections, seconds, body_bytes=None, name=None):
    env = dict(os.environ)
    if body_bytes:
        env["BENCH_BODY_BYTES"] = str(body_bytes)
    if name in WRK_ENV:
        env.update(WRK_ENV[name]())
    output = subprocess.check_output(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency",
         "-s", os.path.join(BENCH, "invoke.lua"), f"http://127.0.0.1:{port}"], text=True, env=env)
    return parse_wrk(output)


def interleaved(names, rounds):
    for round_index in range(rounds):
        yield names if round_index % 2 == 0 else list(reversed(names))


def measured_rounds(table, names, rounds, variants, measure, key):
    """Per round, each contender started once and measured for every variant (after a 1 s warm-up of it); the
    median run by `key` per contender and variant, all runs, and the contender's peak RSS."""
    results = {name: {variant: [] for variant in variants} for name in names}
    peaks = {name: 0 for name in names}
    for order in interleaved(names, rounds):
        for name in order:
            command, env = table[name]
            running = Running(command, env, free_port())
            try:
                running.wait_ready()
                for variant in variants:
                    measure(running.port, variant, 1, name)  # warm-up
                    results[name][variant].append(measure(running.port, variant, None, name))
                peaks[name] = max(peaks[name], running.rss_kb("VmHWM"))
            finally:
                running.stop()
    summary = {}
    for name in names:
        summary[name] = {"peak_rss_kb": peaks[name]}
        for variant, runs in results[name].items():
            median_run = sorted(runs, key=lambda r: r[key])[len(runs) // 2]
            summary[name][variant] = dict(median_run, runs=runs)
    return summary


def load_rounds(table, names, connection_counts, seconds, rounds):
    """Event load at every connection count."""
    def measure(port, connections, warmup, name):
        return run_wrk(port, connections, warmup or seconds, name=name)
    return measured_rounds(table, names, rounds, connection_counts, measure, "rps")


def body_rounds(table, names, connections, seconds, rounds):
    """Large events: echo throughput in MiB/s of events (each also goes back as the response) per body size."""
    def measure(port, size, warmup, name):
        run = run_wrk(port, connections, warmup or seconds, size, name)
        return dict(run, mibs=run["rps"] * size / MIB)
    return measured_rounds(table, names, rounds, BODY_SIZES, measure, "mibs")


def cold_starts(table, names, spawns):
    samples = {name: [] for name in names}
    idle = {name: [] for name in names}
    for _ in range(spawns):
        for name in names:
            command, env = table[name]
            running = Running(command, env, free_port())
            try:
                samples[name].append(running.wait_ready() * 1000)
                idle[name].append(running.rss_kb())
            finally:
                running.stop()
    result = {}
    for name, values in samples.items():
        values.sort()
        result[name] = {"median": statistics.median(values), "p90": values[math.ceil(len(values) * 0.9) - 1],  # nearest rank
                        "idle_rss_kb": statistics.median(idle[name])}
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


# --- report ---------------------------------------------------------------------------------------------------

def first_line(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True)
        return (result.stdout or result.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "not installed"


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory = int(info.readline().split()[1]) / MIB
    return f"{os.cpu_count()} cores, {model}, {memory:.0f} GiB; {platform.system()} {platform.release()}"


def versions(flask_dir):
    def dist_version(name):
        if not flask_dir:
            return "–"
        for entry in os.listdir(os.path.join(flask_dir, "site-packages")):
            if entry.lower().startswith(name + "-") and entry.endswith(".dist-info"):
                return entry[len(name) + 1:-len(".dist-info")]
        return "–"
    return "; ".join([
        first_line(["swift", "--version"]), first_line(["go", "version"]), "Node.js " + first_line(["node", "--version"]),
        f"Python {platform.python_version()}, Flask {dist_version('flask')}, gunicorn {dist_version('gunicorn')}",
        first_line(["wrk", "-v"]).split(" Copyright")[0]])


def megabytes(count):
    return f"{count / 1e6:.2f}" if count >= 100_000 else f"{count / 1e6:.4f}"


def paired_ratios(runs, base_runs, key):
    """Per round, the contender's figure over the base's in the same round, sorted."""
    return sorted(r[key] / b[key] for r, b in zip(runs, base_runs) if r[key] and b[key])


def paired_ratio(runs, base_runs, key):
    """The median over rounds of the contender's figure over this runtime's in the same round: every round runs all
    contenders back to back, so a slow stretch of a shared machine shifts both sides of each ratio alike."""
    ratios = paired_ratios(runs, base_runs, key)
    return format_ratio(statistics.median(ratios)) if ratios else "–"


def quartiles(values):
    """The first and third quartile (`statistics.quantiles`, exclusive method), or the values themselves when fewer
    than two."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (0, 0)
    q = statistics.quantiles(values, n=4)
    return q[0], q[2]


def format_ratio(value):
    return f"{value:.2f}×" if value >= 0.01 else f"{value:.4f}×"


def ratio(value, base):
    if not (value and base):
        return "–"
    return format_ratio(value / base)


def report(names, load, bodies, cold, sizes, info):
    base = names[0]
    mb = lambda kb: f"{kb / 1024:.1f}"
    lines = [
        f"Measured {info['date']} on {info['machine']} (load average {info['load_before']} before, "
        f"{info['load_after']} after).",
        "",
        f"Versions: {info['versions']}.",
        "",
        f"Command: `{info['command']}` — wrk -t1 -d{info['seconds']}s per connection count, {info['rounds']} "
        f"interleaved rounds (median round shown); 22-byte event with FC's headers (Benchmarks/invoke.lua). Large "
        f"bodies: wrk -t1 -c{info['body_connections']} -d{info['body_seconds']}s, {info['body_rounds']} rounds. "
        f"Cold start over {info['spawns']} spawns. Ratios are to `{base}`: for req/s, p99 and MiB/s the median of the "
        f"per-round ratios (each round runs every contender back to back), else the ratio of the figures shown; "
        f"for latency, start-up, memory and size, above 1× means the contender needs more. Errors are summed over "
        f"all rounds (non-2xx and socket errors).",
        "",
    ]
    for connections in info["connections"]:
        lines += [
            f"**{connections} connections**",
            "",
            "| contender | req/s | ratio | p50 ms | p99 ms | p99 ratio | max ms | errors |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name in names:
            l, b = load[name][connections], load[base][connections]
            lines.append(f"| {name} | {l['rps']:.0f} | {paired_ratio(l['runs'], b['runs'], 'rps')} | {l['p50']:.2f} | "
                         f"{l['p99']:.2f} | {paired_ratio(l['runs'], b['runs'], 'p99')} | {l['max']:.2f} | "
                         f"{sum(r['errors'] for r in l['runs'])} |")
        lines.append("")
    lines += [
        "**Start-up, memory, size**",
        "",
        "| contender | cold start median / p90 ms | ratio | idle RSS MiB | ratio | peak RSS, events MiB | ratio | "
        "peak RSS, large bodies MiB | ratio | deployable MB (zip) | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in names:
        c, cb = cold[name], cold[base]
        peak, peak_base = load[name]["peak_rss_kb"], load[base]["peak_rss_kb"]
        bpeak = bodies[name]["peak_rss_kb"] if bodies else 0
        bpeak_base = bodies[base]["peak_rss_kb"] if bodies else 0
        size = sizes.get(name)
        size_text = f"{megabytes(size[1])} ({megabytes(size[2])})" if size else "–"
        lines.append(
            f"| {name} | {c['median']:.1f} / {c['p90']:.1f} | {ratio(c['median'], cb['median'])} | {mb(c['idle_rss_kb'])} | "
            f"{ratio(c['idle_rss_kb'], cb['idle_rss_kb'])} | {mb(peak)} | {ratio(peak, peak_base)} | "
            f"{mb(bpeak) if bodies else '–'} | {ratio(bpeak, bpeak_base)} | {size_text} | "
            f"{ratio(size[2], sizes[base][2]) if size and base in sizes else '–'} |")
    lines.append("")
    if bodies:
        lines += [
            "**Large events (echo throughput, MiB/s of events; each goes back as the response too)**",
            "",
            "| contender | 1 MiB: MiB/s | ratio | p99 ms | errors | 16 MiB: MiB/s | ratio | p99 ms | errors |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for name in names:
            cells = []
            for size in BODY_SIZES:
                r, rb = bodies[name][size], bodies[base][size]
                cells.append(f"{r['mibs']:.0f} | {paired_ratio(r['runs'], rb['runs'], 'mibs')} | {r['p99']:.1f} | "
                             f"{sum(x['errors'] for x in r['runs'])}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append("Contenders: " + "; ".join(f"`{n}` — {DESCRIPTIONS[n]}" for n in names) + ".")
    lines.append("")
    lines.append("Deployable size counts: " + "; ".join(f"`{n}` — {sizes[n][0]}" for n in names
                                                        if n in sizes and n not in ("tracing-on", "records-off")) + "; "
                 "zips are deflated. Only what the function's code zip carries is counted: not the Python or Node.js "
                 "interpreter (it comes with the runtime image), while Swift and Go bring their runtime in the binary; "
                 "none for `hummingbird-app` (a benchmark peer, not packaged as a function).")
    lines.append("")
    for connections in info["connections"]:
        lines.append(f"Per-round req/s at {connections} connections: " +
                     "; ".join(f"{n}: {[round(r['rps']) for r in load[n][connections]['runs']]}" for n in names))
        lines.append("")
        for key, label in (("rps", "req/s"), ("p99", "p99")):
            spreads = []
            for n in names[1:]:
                ratios = paired_ratios(load[n][connections]["runs"], load[base][connections]["runs"], key)
                if ratios:
                    low, high = quartiles(ratios)
                    spreads.append(f"{n}: median {statistics.median(ratios):.3f}, quartiles {low:.3f}–{high:.3f}, "
                                   f"range {ratios[0]:.3f}–{ratios[-1]:.3f}")
            if spreads:
                lines.append(f"Paired {label} ratios to `{base}` at {connections} connections over "
                             f"{len(load[base][connections]['runs'])} rounds: " + "; ".join(spreads))
                lines.append("")
    if bodies:
        for size in BODY_SIZES:
            lines.append(f"Per-round MiB/s at {size // MIB} MiB: " +
                         "; ".join(f"{n}: {[round(r['mibs']) for r in bodies[n][size]['runs']]}" for n in names))
            lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="install the prerequisites first (apt-get, pip)")
    parser.add_argument("--quick", action="store_true", help="short rounds, for a smoke run")
    parser.add_argument("--output", help="write the markdown report to this file as well")
    parser.add_argument("--json", help="write the raw figures to this file")
    parser.add_argument("--contenders", help="comma-separated subset (the first is the base of the ratios)")
    parser.add_argument("--connections", default="16,200", help="comma-separated wrk connection counts")
    parser.add_argument("--body-connections", type=int, default=4, help="wrk connections for the 1 and 16 MiB events")
    parser.add_argument("--no-bodies", action="store_true", help="skip the large-event throughput")
    parser.add_argument("--rounds", type=int, help="interleaved load rounds (default 5; more for an A/B of two contenders)")
    parser.add_argument("--seconds", type=int, help="wrk seconds per load run (default 10)")
    parser.add_argument("--spawns", type=int, help="cold-start spawns per contender (default 25)")
    args = parser.parse_args()
    command = " ".join(["Benchmarks/bench.py"] + sys.argv[1:])
    if args.setup:
        setup()
    for tool in ("wrk",):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: run with --setup (apt-get install {tool})")
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    build_ours()
    go_dir = build_go()
    flask_dir = build_flask()
    global SINK_PORT
    SINK_PORT = free_port()
    bin_path = release_bin_path()
    sink = Running([os.path.join(bin_path, "bench-hummingbird-echo")], {}, SINK_PORT)
    try:
        sink.wait_ready()
        table = contenders(bin_path, go_dir, flask_dir)
        default = ["swift-fc-runtime", "tracing-on", "tracing-fc-headers", "records-off", "hummingbird-core",
                   "hummingbird-core-lines", "hummingbird-app", "go-net-http", "flask-gunicorn", "node-http"]
        names = args.contenders.split(",") if args.contenders else [n for n in default if n in table]
        missing = [n for n in (args.contenders.split(",") if args.contenders else default) if n not in table]
        if missing:
            print(f"skipped (not built or not installed; see --setup): {', '.join(missing)}", file=sys.stderr)
            if args.contenders:
                sys.exit(1)
        connection_counts = [int(c) for c in args.connections.split(",")]
        seconds, rounds, spawns = (3, 2, 5) if args.quick else (10, 5, 25)
        seconds, rounds, spawns = args.seconds or seconds, args.rounds or rounds, args.spawns or spawns
        body_seconds, body_rounds_count = (2, 1) if args.quick else (5, 3)
        started = time.time()
        load = load_rounds(table, names, connection_counts, seconds, rounds)
        bodies = None if args.no_bodies else body_rounds(table, names, args.body_connections, body_seconds, body_rounds_count)
        cold = cold_starts(table, names, spawns)
        sizes = deployable_sizes(bin_path, go_dir, flask_dir)
        sampler = sampler_cost(bin_path, 5 if args.quick else 20) if "swift-fc-runtime" in names else None
    finally:
        sink.stop()
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(), "versions": versions(flask_dir), "command": command,
        "load_before": load_before, "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "connections": connection_counts, "seconds": seconds, "rounds": rounds, "spawns": spawns,
        "body_connections": args.body_connections, "body_seconds": body_seconds, "body_rounds": body_rounds_count,
        "minutes": round((time.time() - started) / 60, 1),
    }
    text = report(names, load, bodies, cold, sizes, info)
    if sampler is not None:
        text += f"\nInstance sampler: {sampler:.2f} ms of CPU per period (1 s period, idle).\n"
    print(text)
    if args.output:
        with open(args.output, "w") as out:
            out.write(text)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"info": info, "load": {n: {str(k): v for k, v in d.items()} for n, d in load.items()},
                       "bodies": bodies and {n: {str(k): v for k, v in d.items()} for n, d in bodies.items()},
                       "cold": cold, "sizes": sizes, "sampler_ms": sampler}, out, indent=1)


if __name__ == "__main__":
    main()
