import Instrumentation
import Tracing

/// The span a task runs inside of, carried in `ServiceContext` (the key ``ActiveSpanKey``): what child spans and
/// outgoing headers need from it.
///
/// A class: a `ServiceContext` stores it as an existential, which boxed the struct it was (an allocation per
/// traced invocation), and every copy retained its strings, baggage and sink one by one.
final class ActiveSpan: Sendable {
    let traceID: TraceIdentifier
    let spanID: UInt64
    /// 0 when this span has no parent.
    let parentSpanID: UInt64
    /// Jaeger flags: bit 0 sampled, bit 1 debug.
    let flags: UInt8
    /// The W3C `tracestate` received with the trace, passed on unchanged.
    let traceState: String
    let baggage: [String: String]
    /// Where finished spans go; `nil` when the trace is not recorded here (not sampled, or no collector).
    let sink: SpanSink?

    init(
        traceID: TraceIdentifier, spanID: UInt64, parentSpanID: UInt64, flags: UInt8, traceState: String, baggage: [String: String],
        sink: SpanSink?
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
        self.traceState = traceState
        self.baggage = baggage
        self.sink = sink
    }

    /// A child of this span with a fresh id.
    func child() -> ActiveSpan { newSpan(under: spanID) }

    /// A span of this trace with a fresh id under `parentSpanID`, sharing this span's flags, trace state, baggage and
    /// sink.
    func newSpan(under parentSpanID: UInt64) -> ActiveSpan {
        ActiveSpan(
            traceID: traceID, spanID: SpanIDGenerator.next(), parentSpanID: parentSpanID, flags: flags, traceState: traceState,
            baggage: baggage, sink: sink)
    }

    /// The Jaeger form `traceId:spanId:parentSpanId:flags` (`uber-trace-id`, FC's span-context header).
    var jaegerHeaderValue: String {
        JaegerSpanContext.headerValue(traceIDHigh: traceID.high, traceIDLow: traceID.low, spanID: spanID, parentSpanID: parentSpanID, flags: flags)
    }

    /// The W3C `traceparent` form.
    var traceParentValue: String {
        "00-\(traceID.hex32)-\(HexDigits.sixteen(spanID))-\(HexDigits.two(flags & 0x1))"
    }
}

/// The `ServiceContext` key of the active span.
enum ActiveSpanKey: ServiceContextKey {
    typealias Value = ActiveSpan
    static var nameOverride: String? { "fc-active-span" }
}

/// Where a recorded span goes when it ends: the exporter and the destination (collector + process name).
///
/// It travels inside public `ServiceContext`s, so it never describes or mirrors itself: printing or dumping a
/// context must not reveal the collector endpoint (it can carry a token) or the exporter's credentials.
final class SpanSink: Sendable, CustomStringConvertible, CustomReflectable {
    let exporter: SpanExporter
    let destination: TraceDestination

    init(exporter: SpanExporter, destination: TraceDestination) {
        self.exporter = exporter
        self.destination = destination
    }

    var description: String { "SpanSink(******)" }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}

/// A collector endpoint and the process (name + function attributes) its spans are reported under; spans are
/// batched per destination.
struct TraceDestination: Sendable, Hashable {
    /// The collector URL; confidential, never printed.
    let endpoint: Secret
    /// `FC:<serviceName>/<functionName>`.
    let serviceName: String
    /// The function's resource attributes, reported with the process.
    let function: FunctionResource
}
