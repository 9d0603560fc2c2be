#!/usr/bin/env python3
"""Self-check for span_collector.py: python3 Tests/Tools/test_span_collector.py"""
import base64, http.client, json, os, signal, struct, subprocess, sys, threading, time, unittest

import thriftpy2
from thriftpy2.protocol.binary import TBinaryProtocol
from thriftpy2.transport.memory import TMemoryBuffer

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "span_collector.py")
jaeger = thriftpy2.load(os.path.join(HERE, "jaeger.thrift"), module_name="jaeger_thrift")
TRACE_HEX, SPAN_HEX, PARENT_HEX = "0123456789abcdeffedcba9876543210", "a1b2c3d4e5f60718", "8000000000000001"
THRIFT = {"Content-Type": "application/x-thrift"}
JSON = {"Content-Type": "application/json"}


def signed(hex16):
    """Unsigned hex -> the signed i64 Jaeger puts on the wire."""
    v = int(hex16, 16)
    return v - (1 << 64) if v >= 1 << 63 else v


def thrift_bytes(obj):
    """Serialize a thriftpy2 struct with the binary protocol."""
    buf = TMemoryBuffer()
    obj.write(TBinaryProtocol(buf))
    return buf.getvalue()


def sample_batch():
    """A Batch exercising every tag type, signed ids, references and logs."""
    T, TT = jaeger.Tag, jaeger.TagType
    tags = [T(key="s", vType=TT.STRING, vStr="héllo"), T(key="d", vType=TT.DOUBLE, vDouble=1.5),
            T(key="b", vType=TT.BOOL, vBool=True), T(key="l", vType=TT.LONG, vLong=-7),
            T(key="x", vType=TT.BINARY, vBinary=b"\x00\xff")]
    span = jaeger.Span(traceIdLow=signed(TRACE_HEX[16:]), traceIdHigh=signed(TRACE_HEX[:16]),
                       spanId=signed(SPAN_HEX), parentSpanId=signed(PARENT_HEX), operationName="invoke",
                       references=[jaeger.SpanRef(refType=jaeger.SpanRefType.FOLLOWS_FROM,
                                                  traceIdLow=signed(TRACE_HEX[16:]),
                                                  traceIdHigh=signed(TRACE_HEX[:16]), spanId=signed(PARENT_HEX))],
                       flags=1, startTime=1700000000000000, duration=1234, tags=tags,
                       logs=[jaeger.Log(timestamp=1700000000000100, fields=tags[:1])])
    bare = jaeger.Span(traceIdLow=1, traceIdHigh=0, spanId=2, parentSpanId=0, operationName="bare",
                       flags=0, startTime=1, duration=0)
    return jaeger.Batch(process=jaeger.Process(serviceName="svc", tags=tags[3:4]), spans=[span, bare], seqNo=3)


def otlp_body(**span_extra):
    """A hand-written OTLP/HTTP JSON request with hex ids."""
    span = {"traceId": TRACE_HEX, "spanId": SPAN_HEX, "parentSpanId": PARENT_HEX, "name": "invoke", "kind": 2,
            "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000001000000",
            "attributes": [{"key": "faas.invocation_id", "value": {"stringValue": "req-1"}}],
            "links": [{"traceId": TRACE_HEX, "spanId": PARENT_HEX}], "status": {"code": 1}}
    span.update(span_extra)
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "svc"}}]},
        "scopeSpans": [{"scope": {"name": "fc-runtime"}, "spans": [span]}]}]}).encode()


class Collector:
    """Runs span_collector.py as a subprocess and talks to it with http.client (no proxy)."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([sys.executable, SCRIPT, *args], stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        assert line.startswith("span collector listening on 127.0.0.1:"), line
        self.port = int(line.rsplit(":", 1)[1])

    def request(self, method, path, body=None, headers=None, timeout=5):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()

    def batches(self):
        status, data = self.request("GET", "/batches")
        assert status == 200, status
        return json.loads(data)

    def stop(self, sig=signal.SIGTERM):
        """Signal the collector; return (exit code, seconds taken)."""
        start = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=5)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.stdout.close()
        return code, time.monotonic() - start


class SpanCollectorTests(unittest.TestCase):
    def start(self, *args):
        c = Collector(*args)
        self.addCleanup(lambda: c.proc.poll() is None and c.stop())
        return c

    def test_jaeger_batch_decoded(self):
        c = self.start()
        self.assertEqual(c.request("POST", "/api/traces", thrift_bytes(sample_batch()), THRIFT), (202, b""))
        got = c.batches()
        self.assertEqual((got["requests"], got["rejected"], got["errors"]), (1, 0, []))
        b = got["batches"][0]
        self.assertEqual((b["protocol"], b["authorization"]), ("jaeger", None))
        self.assertEqual(b["process"], {"serviceName": "svc", "tags": [{"key": "l", "type": "LONG", "value": -7}]})
        s, bare = b["spans"]
        self.assertEqual((s["traceId"], s["spanIdHex"], s["parentSpanIdHex"]), (TRACE_HEX, SPAN_HEX, PARENT_HEX))
        self.assertEqual(s["parentSpanId"], -(1 << 63) + 1)
        self.assertEqual(s["traceIdHigh"], signed(TRACE_HEX[:16]))
        self.assertEqual(s["references"], [{"refType": "FOLLOWS_FROM", "traceId": TRACE_HEX, "spanIdHex": PARENT_HEX}])
        self.assertEqual([(t["type"], t["value"]) for t in s["tags"]],
                         [("STRING", "héllo"), ("DOUBLE", 1.5), ("BOOL", True), ("LONG", -7),
                          ("BINARY", base64.b64encode(b"\x00\xff").decode())])
        self.assertEqual(s["logs"], [{"timestamp": 1700000000000100, "fields": s["tags"][:1]}])
        self.assertEqual((s["operationName"], s["flags"], s["startTime"], s["duration"]),
                         ("invoke", 1, 1700000000000000, 1234))
        self.assertEqual((bare["traceId"], bare["parentSpanIdHex"], bare["references"], bare["tags"], bare["logs"]),
                         ("0" * 31 + "1", "0" * 16, [], [], []))

    def test_jaeger_rejects_bad_bodies(self):
        c = self.start()
        good = thrift_bytes(sample_batch())
        self.assertEqual(c.request("POST", "/api/traces", good, JSON)[0], 415)
        missing = jaeger.Batch(process=jaeger.Process(serviceName="svc"),
                               spans=[jaeger.Span(traceIdLow=1, traceIdHigh=0, spanId=2, operationName="x",
                                                  flags=0, startTime=1, duration=0)])  # no parentSpanId
        bad_tag = jaeger.Batch(process=jaeger.Process(serviceName="svc",
                                                      tags=[jaeger.Tag(key="k", vType=jaeger.TagType.LONG)]), spans=[])
        unknown_field = good[:-1] + struct.pack(">bhi", 8, 99, 5) + b"\x00"  # i32 field id 99 inside Batch
        for body in [b"garbage", good[:-3], good + b"\x00", unknown_field, thrift_bytes(missing),
                     thrift_bytes(bad_tag)]:
            self.assertEqual(c.request("POST", "/api/traces", body, THRIFT)[0], 400, body)
        got = c.batches()
        self.assertEqual((got["requests"], len(got["errors"]), got["batches"]), (7, 7, []))
        self.assertIn("Content-Type", got["errors"][0])
        self.assertIn("parentSpanId", got["errors"][5])

    def test_otlp_request_decoded(self):
        c = self.start()
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), {"Content-Type": "application/json; charset=utf-8"}),
                         (200, b"{}"))
        b = c.batches()["batches"][0]
        self.assertEqual(b["protocol"], "otlp")
        span = b["request"]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
        self.assertEqual((span["traceId"], span["spanId"], span["parentSpanId"]), (TRACE_HEX, SPAN_HEX, PARENT_HEX))
        self.assertEqual(span["links"], [{"traceId": TRACE_HEX, "spanId": PARENT_HEX}])
        self.assertEqual((span["kind"], span["startTimeUnixNano"], span["status"]),
                         ("SPAN_KIND_SERVER", "1700000000000000000", {"code": "STATUS_CODE_OK"}))
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(parentSpanId=""), JSON)[0], 200)
        self.assertNotIn("parentSpanId", c.batches()["batches"][1]["request"]["resourceSpans"][0]
                         ["scopeSpans"][0]["spans"][0])

    def test_otlp_rejects_bad_bodies(self):
        c = self.start()
        for body in [otlp_body(bogusField=1), otlp_body(traceId="abc"), otlp_body(spanId=SPAN_HEX + "00"),
                     otlp_body(traceId=None), otlp_body(links=[{"traceId": TRACE_HEX}]),
                     otlp_body(span_id=SPAN_HEX), otlp_body(links=[{"traceId": TRACE_HEX, "spanId": "zz"}]),
                     b"{not json", b"[]"]:
            self.assertEqual(c.request("POST", "/v1/traces", body, JSON)[0], 400, body)
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), THRIFT)[0], 415)
        got = c.batches()
        self.assertEqual((got["requests"], len(got["errors"]), got["batches"]), (10, 10, []))
        self.assertIn("bogusField", got["errors"][0])

    def test_basic_auth(self):
        c = self.start("--user", "AK", "--password", "SK")
        good = "Basic " + base64.b64encode(b"AK:SK").decode()
        wrong = "Basic " + base64.b64encode(b"AK:nope").decode()
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), JSON)[0], 401)
        self.assertEqual(c.request("POST", "/api/traces", thrift_bytes(sample_batch()),
                                   {**THRIFT, "Authorization": wrong})[0], 401)
        self.assertEqual(c.request("POST", "/api/traces", thrift_bytes(sample_batch()),
                                   {**THRIFT, "Authorization": good})[0], 202)
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), {**JSON, "Authorization": good})[0], 200)
        got = c.batches()
        self.assertEqual((got["requests"], got["rejected"], got["errors"]), (4, 2, []))
        self.assertEqual([b["authorization"] for b in got["batches"]], [good, good])

    def test_forced_status_and_control(self):
        c = self.start("--status", "503")
        self.assertEqual(c.request("POST", "/api/traces", thrift_bytes(sample_batch()), THRIFT)[0], 503)
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), JSON)[0], 503)
        self.assertEqual(c.request("POST", "/control", b'{"status": 200, "hang": false}', JSON)[0], 200)
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), JSON)[0], 200)
        self.assertEqual(c.request("POST", "/control", b'{"status": 429}', JSON)[0], 200)
        self.assertEqual(c.request("POST", "/v1/traces", otlp_body(), JSON)[0], 429)
        got = c.batches()
        self.assertEqual((got["requests"], len(got["batches"]), got["errors"]), (4, 1, []))
        self.assertEqual(c.request("DELETE", "/batches"), (200, b"{}"))
        self.assertEqual(c.batches(), {"requests": 0, "rejected": 0, "errors": [], "batches": []})
        self.assertEqual(c.request("GET", "/nope")[0], 404)
        self.assertEqual(c.request("GET", "/api/traces")[0], 405)

    def test_hang_then_sigterm(self):
        c = self.start("--hang")
        outcome = {}

        def post():
            try:
                outcome["status"] = c.request("POST", "/api/traces", thrift_bytes(sample_batch()), THRIFT, timeout=30)
            except Exception as exc:  # connection closed at shutdown
                outcome["error"] = exc

        poster = threading.Thread(target=post, daemon=True)
        poster.start()
        time.sleep(0.5)
        self.assertTrue(poster.is_alive() and not outcome, "POST should still be hanging")
        got = c.batches()  # other endpoints keep answering
        self.assertEqual((got["requests"], got["batches"]), (1, []))
        code, seconds = c.stop()
        self.assertEqual(code, 0)
        self.assertLess(seconds, 2)
        poster.join(5)
        self.assertNotIn("status", outcome)

    def test_control_hang_and_sigint(self):
        c = self.start()
        self.assertEqual(c.request("POST", "/control", b'{"hang": true}', JSON)[0], 200)
        with self.assertRaises(TimeoutError):
            c.request("POST", "/v1/traces", otlp_body(), JSON, timeout=0.5)
        code, seconds = c.stop(signal.SIGINT)
        self.assertEqual(code, 0)
        self.assertLess(seconds, 2)


if __name__ == "__main__":
    unittest.main(verbosity=2)
