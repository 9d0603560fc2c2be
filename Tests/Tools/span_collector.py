#!/usr/bin/env python3
"""Independent trace collector for end-to-end tests of the Swift runtime.

Decodes what the runtime exports, with decoders that share no code with it:
  POST /api/traces  Jaeger Thrift (binary protocol) Batch   -> 202
  POST /v1/traces   OTLP/HTTP JSON ExportTraceServiceRequest -> 200 {}
  GET /batches      everything received, as JSON;  DELETE /batches  resets it
  POST /control     {"status": N} and/or {"hang": bool} for later trace POSTs
Each batch records "peer", the client's port: batches with the same peer came over one kept-alive connection.

Usage: span_collector.py [--port 0] [--user AK --password SK] [--status N] [--hang] [--drop] [--idle-timeout S]
                         [--exit-with-stdin]
Prints "span collector listening on 127.0.0.1:<port>", serves until SIGTERM/SIGINT.
"""
import argparse, base64, hmac, json, math, os, re, signal, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import thriftpy2
from thriftpy2.protocol.binary import TBinaryProtocol  # pure Python: strict, inspectable
from thriftpy2.transport.memory import TMemoryBuffer
from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

jaeger = thriftpy2.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jaeger.thrift"),
                        module_name="jaeger_thrift")
TAG_FIELDS = {"STRING": "vStr", "DOUBLE": "vDouble", "BOOL": "vBool", "LONG": "vLong", "BINARY": "vBinary"}
HEX_LEN = {"traceId": 32, "spanId": 16, "parentSpanId": 16}
U64 = (1 << 64) - 1


class DecodeError(Exception):
    """A body that does not decode; the message is recorded in "errors"."""


class ExactReader:
    """Read-only Thrift transport that fails on short reads instead of returning fewer bytes."""

    def __init__(self, data):
        self.data, self.pos = data, 0

    def read(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise DecodeError(f"thrift: truncated body (need {n} bytes at offset {self.pos})")
        self.pos += n
        return self.data[self.pos - n:self.pos]


def check_struct(obj, path):
    """Check required fields recursively (thriftpy2 does not); return nothing or raise."""
    for spec in obj.thrift_spec.values():
        name, value = spec[1], getattr(obj, spec[1])
        if value is None:
            if spec[-1]:
                raise DecodeError(f"thrift: required field {path}.{name} is missing")
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if hasattr(item, "thrift_spec"):
                check_struct(item, f"{path}.{name}[{i}]" if isinstance(value, list) else f"{path}.{name}")


def decode_jaeger(body):
    """Decode a binary-protocol Batch strictly: all bytes consumed, nothing skipped, required set."""
    reader, batch = ExactReader(body), jaeger.Batch()
    try:
        batch.read(TBinaryProtocol(reader, strict_decode=True))
    except DecodeError:
        raise
    except Exception as exc:  # struct.error, UnicodeDecodeError, TProtocolException, ...
        raise DecodeError(f"thrift: {type(exc).__name__}: {exc}") from exc
    if reader.pos != len(body):
        raise DecodeError(f"thrift: {len(body) - reader.pos} trailing bytes after Batch")
    check_struct(batch, "Batch")
    out = TMemoryBuffer()
    batch.write(TBinaryProtocol(out))
    if len(out.getvalue()) != len(body):  # thriftpy2 silently skips unknown ids / mistyped fields
        raise DecodeError(f"thrift: body has {len(body)} bytes but only {len(out.getvalue())} "
                          "re-encode; unknown field ids or wrong wire types were skipped")
    return batch


def hex_id(high, low=None):
    """Unsigned lowercase hex of a signed i64 (16 digits) or of a high/low pair (32 digits)."""
    return f"{high & U64:016x}" if low is None else f"{high & U64:016x}{low & U64:016x}"


def tag_json(tag):
    """Tag -> {"key", "type", "value"}, taking the v* field that vType names."""
    kind = jaeger.TagType._VALUES_TO_NAMES.get(tag.vType)
    if kind is None:
        raise DecodeError(f"thrift: tag {tag.key!r} has unknown vType {tag.vType}")
    value = getattr(tag, TAG_FIELDS[kind])
    if value is None:
        raise DecodeError(f"thrift: tag {tag.key!r} has vType {kind} but no {TAG_FIELDS[kind]}")
    if kind == "BINARY":
        value = base64.b64encode(value).decode()
    elif kind == "DOUBLE" and not math.isfinite(value):
        value = str(value)  # keep the JSON valid
    return {"key": tag.key, "type": kind, "value": value}


def span_json(s):
    """Span -> JSON: signed ids as decoded plus unsigned hex forms, enums by name, lists never null."""
    refs = []
    for r in s.references or []:
        kind = jaeger.SpanRefType._VALUES_TO_NAMES.get(r.refType)
        if kind is None:
            raise DecodeError(f"thrift: span reference with unknown refType {r.refType}")
        refs.append({"refType": kind, "traceId": hex_id(r.traceIdHigh, r.traceIdLow), "spanIdHex": hex_id(r.spanId)})
    return {"traceIdLow": s.traceIdLow, "traceIdHigh": s.traceIdHigh, "spanId": s.spanId,
            "parentSpanId": s.parentSpanId, "traceId": hex_id(s.traceIdHigh, s.traceIdLow),
            "spanIdHex": hex_id(s.spanId), "parentSpanIdHex": hex_id(s.parentSpanId),
            "operationName": s.operationName, "references": refs, "flags": s.flags,
            "startTime": s.startTime, "duration": s.duration, "tags": [tag_json(t) for t in s.tags or []],
            "logs": [{"timestamp": l.timestamp, "fields": [tag_json(t) for t in l.fields]} for l in s.logs or []]}


def map_ids(doc, convert):
    """Set every span/link id to convert(key, value or None) unless that returns None (in place)."""
    for rs in doc.get("resourceSpans") or []:
        for ss in rs.get("scopeSpans") or []:
            for span in ss.get("spans") or []:
                for obj in [span] + list(span.get("links") or []):
                    for key in HEX_LEN:
                        if (value := convert(key, obj.get(key))) is not None:
                            obj[key] = value
    return doc


def hex_to_b64(key, value):
    """OTLP JSON hex id -> protobuf JSON base64; traceId/spanId required, parentSpanId optional."""
    if key == "parentSpanId" and value in (None, ""):
        return value
    if not isinstance(value, str) or not re.fullmatch(f"[0-9a-fA-F]{{{HEX_LEN[key]}}}", value):
        raise DecodeError(f"otlp: {key} must be {HEX_LEN[key]} hex digits, got {value!r}")
    return base64.b64encode(bytes.fromhex(value)).decode()


def reject_duplicates(pairs):
    """json object_pairs_hook: duplicate keys and snake_case keys are invalid OTLP JSON."""
    keys = [k for k, _ in pairs]
    bad = [k for k in keys if "_" in k] + [k for k in set(keys) if keys.count(k) > 1]
    if bad:
        raise DecodeError(f"otlp: invalid or duplicate JSON keys {sorted(set(bad))}")
    return dict(pairs)


def decode_otlp(body):
    """Decode OTLP/HTTP JSON; return MessageToDict of the request with ids back in hex."""
    try:
        doc = json.loads(body.decode("utf-8"), object_pairs_hook=reject_duplicates)
        if not isinstance(doc, dict):
            raise DecodeError("otlp: body is not a JSON object")
        map_ids(doc, hex_to_b64)
        msg = json_format.Parse(json.dumps(doc), ExportTraceServiceRequest(), ignore_unknown_fields=False)
    except DecodeError:
        raise
    except (ValueError, AttributeError, TypeError, json_format.Error) as exc:
        raise DecodeError(f"otlp: {type(exc).__name__}: {exc}") from exc
    out = json_format.MessageToDict(msg, preserving_proto_field_name=False)
    return map_ids(out, lambda _key, v: None if v is None else base64.b64decode(v).hex())


class Collector:
    """Shared state: behaviour switches, counters and decoded batches."""

    def __init__(self, args):
        self.lock, self.released = threading.Lock(), threading.Event()
        self.auth = None
        if args.user is not None or args.password is not None:
            self.auth = "Basic " + base64.b64encode(f"{args.user or ''}:{args.password or ''}".encode()).decode()
        self.status, self.hang, self.drop = args.status, args.hang, args.drop
        self.reset()

    def reset(self):
        with self.lock:
            self.requests, self.rejected, self.errors, self.batches = 0, 0, [], []

    def snapshot(self):
        with self.lock:
            return {"requests": self.requests, "rejected": self.rejected,
                    "errors": list(self.errors), "batches": list(self.batches)}


class Handler(BaseHTTPRequestHandler):
    """Routes requests; every response carries a Content-Length (HTTP/1.1 keep-alive)."""
    protocol_version = "HTTP/1.1"
    ROUTES = {"/api/traces": ("POST",), "/v1/traces": ("POST",), "/control": ("POST",), "/batches": ("GET", "DELETE")}

    def log_message(self, *args):
        pass

    def reply(self, code, payload=None):
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(code)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def read_body(self):
        """Read the whole body (Content-Length or chunked) so keep-alive stays in sync."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while (size := int(self.rfile.readline().split(b";")[0].strip(), 16)) > 0:
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():
                pass  # trailers
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def dispatch(self):
        path = self.path.split("?")[0]
        body = self.read_body()
        if path not in self.ROUTES:
            return self.reply(404, {"error": f"no route {path}"})
        if self.command not in self.ROUTES[path]:
            return self.reply(405, {"error": f"{self.command} not allowed on {path}"})
        c = self.server.collector
        if path == "/batches":
            if self.command == "DELETE":
                c.reset()
                return self.reply(200, {})
            return self.reply(200, c.snapshot())
        if path == "/control":
            try:
                cfg = json.loads(body or b"{}")
                c.status, c.hang = int(cfg.get("status", c.status)), bool(cfg.get("hang", c.hang))
            except (ValueError, TypeError, AttributeError) as exc:
                return self.reply(400, {"error": str(exc)})
            return self.reply(200, {"status": c.status, "hang": c.hang})
        self.trace_post(c, path, body)

    def trace_post(self, c, path, body):
        """Handle one trace export: switches, then auth, content type, decode, store."""
        with c.lock:
            c.requests += 1
        if c.hang:
            c.released.wait()  # never answer; returns only at shutdown
            self.close_connection = True
            return
        if c.drop:
            self.close_connection = True  # read the batch, then hang up without an answer
            return
        if not 200 <= c.status < 300:
            return self.reply(c.status, {"error": "forced by --status"})
        auth = self.headers.get("Authorization")
        if c.auth is not None and not hmac.compare_digest((auth or "").encode(), c.auth.encode()):
            with c.lock:
                c.rejected += 1
            return self.reply(401, {"error": "bad or missing Authorization"})
        jaeger_path = path == "/api/traces"
        want = "application/x-thrift" if jaeger_path else "application/json"
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            if ctype != want:
                code = 415
                raise DecodeError(f"Content-Type {ctype or '(none)'!r}, expected {want}")
            code = 400
            if jaeger_path:
                b = decode_jaeger(body)
                batch = {"protocol": "jaeger", "authorization": auth,
                         "process": {"serviceName": b.process.serviceName,
                                     "tags": [tag_json(t) for t in b.process.tags or []]},
                         "spans": [span_json(s) for s in b.spans]}
            else:
                batch = {"protocol": "otlp", "authorization": auth, "request": decode_otlp(body)}
        except DecodeError as exc:
            with c.lock:
                c.errors.append(f"{path}: {exc}")
            return self.reply(code, {"error": str(exc)})
        batch["peer"] = self.client_address[1]
        with c.lock:
            c.batches.append(batch)
        if jaeger_path:
            self.reply(202)  # what a Jaeger collector answers
        else:
            self.reply(200, {})  # an empty ExportTraceServiceResponse

    do_GET = do_POST = do_DELETE = do_PUT = dispatch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--status", type=int, default=200, help="answer N to every trace POST (N not 2xx)")
    parser.add_argument("--hang", action="store_true", help="accept trace POSTs and never answer")
    parser.add_argument("--drop", action="store_true", help="read trace POSTs and close the connection unanswered")
    parser.add_argument("--idle-timeout", type=float, help="close a kept-alive connection idle for S seconds")
    parser.add_argument("--exit-with-stdin", action="store_true",
                        help="exit when standard input closes (the parent test process died)")
    args = parser.parse_args()
    if args.exit_with_stdin:
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
    if args.idle_timeout is not None:
        Handler.timeout = args.idle_timeout  # socketserver's per-connection socket timeout: idle connections close
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.collector = Collector(args)

    def stop(_signum, _frame):
        server.collector.released.set()
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"span collector listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
