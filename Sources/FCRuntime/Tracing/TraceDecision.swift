import Tracing

/// How one operation is traced: its own span — in the trace it belongs to, under the caller's span — and where
/// spans go. The operation's span carries all of it (trace id, flags, trace state, baggage, sink), so the decision
/// is one reference.
struct TraceDecision: Sendable {
    /// The operation's span (`Invocation`): its id is chosen up front so that spans created before it can name it;
    /// its parent is the caller's span (FC's `InvokeFunction` span, or a W3C caller's), 0 when this trace was
    /// started here.
    let operation: ActiveSpan

    /// The trace the operation belongs to.
    var traceID: TraceIdentifier { operation.traceID }
    /// Jaeger flags: bit 0 sampled, bit 1 debug.
    var flags: UInt8 { operation.flags }
    /// `nil` when the trace is propagated but not recorded (not sampled, or no collector).
    var sink: SpanSink? { operation.sink }
    /// Whether the trace is sampled (flag bit 0).
    var isSampled: Bool { operation.flags & 0x1 != 0 }

    /// The parent of `Initializer` and `RuntimeInitialization`: the caller's span, else the operation's span.
    var parentOfRuntimeSpans: UInt64 { operation.parentSpanID != 0 ? operation.parentSpanID : operation.spanID }

    /// Starts the operation's own span.
    func startOperationSpan(_ name: String, kind: SpanKind, runtimeAttributes: RuntimeAttributes) -> RuntimeSpan {
        RuntimeSpan(
            name: name, kind: kind, active: operation, startNanoseconds: DefaultTracerClock.now.nanosecondsSinceEpoch,
            runtimeAttributes: runtimeAttributes)
    }

    /// Starts a runtime span under ``parentOfRuntimeSpans`` with a fresh id (`Initializer`, `RuntimeInitialization`).
    func startRuntimeSpan(
        _ name: String, startNanoseconds: UInt64 = DefaultTracerClock.now.nanosecondsSinceEpoch, runtimeAttributes: RuntimeAttributes
    ) -> RuntimeSpan {
        RuntimeSpan(
            name: name, kind: .internal, active: operation.newSpan(under: parentOfRuntimeSpans), startNanoseconds: startNanoseconds,
            runtimeAttributes: runtimeAttributes)
    }
}
