#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into Fuzz/Corpus/<target>/.

Each seed is a realistic request or record laid out the way the target's FuzzInput reads its bytes (see
Sources/FuzzSupport/FuzzInput.swift): one byte per choice or flag, big-endian 8-byte integers, and strings as a
length byte (255: a 2-byte length follows) then UTF-8. Run it again after changing how a target reads its input.
"""
import base64, json, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))


class Seed:
    def __init__(self):
        self.data = bytearray()

    def byte(self, value):
        self.data.append(value & 0xFF)
        return self

    def flag(self, value):
        return self.byte(1 if value else 0)

    def choice(self, index, count):
        if count > 256:
            self.data += struct.pack(">H", index)
        else:
            self.byte(index)
        return self

    def u64(self, value):
        self.data += struct.pack(">Q", value & 0xFFFFFFFFFFFFFFFF)
        return self

    def double(self, value):
        self.byte(0x80)
        self.data += struct.pack(">d", value)
        return self

    def text(self, value):
        raw = value.encode() if isinstance(value, str) else bytes(value)
        if len(raw) >= 255:
            self.byte(255)
            self.data += struct.pack(">H", len(raw))
        else:
            self.byte(len(raw))
        self.data += raw
        return self


def write(target, name, data):
    directory = os.path.join(HERE, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as file:
        file.write(bytes(data))


# fuzz-span-context: the raw header value.
for name, value in {
    "jaeger-64": "abc:def:0:1",
    "jaeger-128": "0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:53ece9bb0f2b1e9a:3",
    "jaeger-upper": "ABCDEF0123456789:FEDCBA9876543210:0:ff",
    "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    "traceparent-padded": " \t00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 ",
}.items():
    write("fuzz-span-context", name, value.encode())

# fuzz-context: 4 environment strings, then header fields (count; name kind or contract index; value kind; value),
# then the cold-start flag. Contract indices follow PlatformHeaders.Key, then the names ContextFuzz adds.
CONTRACT = ["x-fc-request-id", "x-fc-access-key-id", "x-fc-access-key-secret", "x-fc-security-token", "x-fc-function-name",
            "x-fc-function-handler", "x-fc-function-memory", "x-fc-function-timeout", "x-fc-function-initializer",
            "x-fc-initialization-timeout", "x-fc-region", "x-fc-account-id", "x-fc-qualifier", "x-fc-version-id",
            "x-fc-service-name", "x-fc-service-logproject", "x-fc-service-logstore", "x-fc-retry-count", "x-fc-base-path",
            "x-fc-client-ip", "x-fc-tracing-opentracing-span-context", "x-fc-tracing-opentracing-span-baggages",
            "x-fc-tracing-jaeger-endpoint", "x-fc-control-path", "x-fc-instance-lifecycle-pre-stop-handler",
            "x-fc-instance-lifecycle-pre-freeze-handler", "traceparent", "tracestate", "baggage", "uber-trace-id", "content-type"]


def context_seed(headers, environment=("", "", "", "")):
    seed = Seed()
    for value in environment:
        seed.text(value)
    seed.choice(len(headers), 41)
    for name, value in headers:
        seed.byte(3).choice(CONTRACT.index(name), len(CONTRACT))  # name kind 3..7: a contract name
        seed.byte(2).text(value)  # value kind 2: lenient bytes
    return seed.flag(True).data


BAGGAGE = base64.b64encode(json.dumps({"a": "1", "b": "2"}).encode()).decode()
write("fuzz-context", "full-request", context_seed([
    ("x-fc-request-id", "1-6450c5e8-5b2a7c1d9e0f"), ("x-fc-access-key-id", "STS.AKID"),
    ("x-fc-access-key-secret", "key-secret"), ("x-fc-security-token", "security-token"),
    ("x-fc-function-name", "fn"), ("x-fc-function-handler", "index.handler"), ("x-fc-function-memory", "512"),
    ("x-fc-function-timeout", "7"), ("x-fc-initialization-timeout", "11"), ("x-fc-region", "cn-hangzhou"),
    ("x-fc-service-name", "svc"), ("x-fc-qualifier", "prod"), ("x-fc-retry-count", "2"),
    ("x-fc-tracing-opentracing-span-context", "abc:def:0:1"), ("x-fc-tracing-opentracing-span-baggages", BAGGAGE),
    ("x-fc-tracing-jaeger-endpoint", "http://collector.example:14268/api/traces"),
], environment=("fn", "svc", "512", "c-6450c5e8")))
write("fuzz-context", "w3c-and-bad-values", context_seed([
    ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("tracestate", "congo=t61rcWkgMzE"),
    ("x-fc-function-memory", "lots"), ("x-fc-function-timeout", "0.0001"), ("x-fc-retry-count", "-1"),
    ("x-fc-tracing-jaeger-endpoint", "https://collector.example/api/traces"), ("x-fc-request-id", "r\x1b[31m"),
]))

# Inputs that found bugs, kept so that every run replays them (see FuzzRegressionTests).
write("fuzz-context", "regression-combining-marks", context_seed([("x-fc-function-memory", "a" + "\u0300" * 900)]))
write("fuzz-context", "regression-del-in-name", context_seed([("x-fc-request-id", "r")], environment=("fn\x7f", "", "", "")))

# fuzz-baggage: structured mode (flag 1): members, then the JSON's separators and the base64's padding choices.
def baggage_seed(members, per_key=(), trace_states=()):
    seed = Seed().flag(True).choice(len(members), 6)
    for key, kind, value in members:
        seed.text(key)
        if kind == "string":
            seed.byte(4).text(value).flag(False)
        elif kind == "int":
            seed.byte(0).u64(value)
        elif kind == "bool":
            seed.byte(2).flag(value)
    for _ in members[1:]:
        seed.flag(False)
    seed.flag(False).byte(0).byte(1)  # padding kept; no space before, one after
    seed.choice(len(per_key), 4)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_.AZ"
    for key, value in per_key:
        seed.choice(len(key) - 1, 6)
        for character in key:
            seed.choice(alphabet.index(character), len(alphabet))
        seed.text(value)
    seed.choice(len(trace_states), 3)
    for state in trace_states:
        seed.text(state)
    return seed.data


write("fuzz-baggage", "members-and-headers", baggage_seed(
    [("user", "string", "alice"), ("tenant", "int", 42), ("debug", "bool", True)],
    per_key=[("user", "bob")], trace_states=["congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"]))
write("fuzz-baggage", "raw", Seed().flag(False).text("eyJhIjoiMSJ9").byte(0).byte(0).data)


# fuzz-span-encoders: a process, then spans (see SpanGeneration.swift for the order of the fields).
def attribute(seed, kind, value):
    seed.byte(kind)
    if kind in (0, 1):
        seed.u64(value)
    elif kind == 2:
        seed.double(value)
    elif kind == 3:
        seed.flag(value)
    elif kind == 4:
        seed.text(value)
    elif kind == 9:
        seed.choice(len(value), 4)
        for element in value:
            seed.text(element)
    return seed


def pairs(seed, entries, limit):
    seed.choice(len(entries), limit + 1)
    for key, kind, value in entries:
        attribute(seed.text(key), kind, value)
    return seed


spans = Seed().text("FC:svc/fn")
pairs(spans, [("host.name", 4, "c-6450c5e8"), ("process.pid", 1, 7)], 4).flag(True)
pairs(spans, [("faas.name", 4, "fn"), ("faas.max_memory", 1, 512 << 20)], 4)
spans.choice(2, 4)
for index, name in enumerate(["Invocation", "db \"query\"\n"]):
    spans.flag(False).u64(0x0AF7651916CD43DD).u64(0x8448EB211C80319C).u64(0xB7AD6B7169203331 + index)
    if index:
        spans.flag(False).u64(0x53ECE9BB0F2B1E9A)  # a parent span id
    else:
        spans.flag(True)  # a root span
    spans.byte(1).text(name).choice(index, 5).u64(1_700_000_000_000_000_000).flag(True).byte(12)
    pairs(spans, [("fc.request_id", 4, "1-abc")], 3)
    pairs(spans, [("rows", 0, 3), ("ratio", 2, 0.25), ("tags", 9, ["a", "b\\c"])], 5)
    spans.choice(1, 3).text("retry").u64(1_700_000_000_000_500_000).choice(0, 4)
    spans.choice(3, 4).text("boom")
    spans.choice(0, 3)
write("fuzz-span-encoders", "two-spans", spans.data)
write("fuzz-span-encoders", "empty", b"")


# fuzz-log-records: selector 0 platform lines, 1 an application line, 2 FCInsights, 3 FCInstanceMetrics.
write("fuzz-log-records", "platform-lines", Seed().byte(0).text("1-6450c5e8\n-forged").byte(0).data + b"\x00\x07\x02")
write("fuzz-log-records", "application-line",
      Seed().byte(1).text("req-1").byte(3).choice(1, 3).text("user").byte(0).text("alice")
      .text("payment \"accepted\"\r\n[ERROR] forged").choice(0, 3).data)
insights = Seed().byte(2)
for index in range(2):
    insights.text("svc").text("fn").text("3").text("prod").text("1-6450c5e8").u64(512).double(21.5).double(3.14159)
    insights.flag(True).byte(0).flag(True).double(12.0).flag(True).text("abc:def:0:1").byte(1).u64(1_700_000_000_000)
    insights.text("c-6450c5e8").text("host").flag(False).byte(0)
    if index:
        insights.flag(True).flag(True)  # the second record shares the first one's function and instance
write("fuzz-log-records", "insights", insights.data)
# Regression: two names that Swift compares equal ("\u00c5" and "A\u030a") but that encode differently.
equivalent = Seed().byte(2)
for index, name in enumerate(["\u00c5", "A\u030a"]):
    equivalent.text(name).text("fn").text("3").text("prod").text("r").u64(512).double(1.0).double(2.0)
    equivalent.flag(False).byte(0).flag(False).flag(False).byte(0).u64(0).text("i").text("h").flag(False).byte(0)
    if index:
        equivalent.flag(False).flag(False)
write("fuzz-log-records", "regression-equivalent-names", equivalent.data)
metrics = Seed().byte(3).u64(10).u64(2).double(12.5).double(100).text("fn").text("host").text("c-6450c5e8").text("10.0.0.2")
metrics.double(512).double(64.25).double(12.55).text("prod").u64(100).u64(4000).text("svc").u64(200).u64(8000).text("3")
write("fuzz-log-records", "instance-metrics", metrics.data)
