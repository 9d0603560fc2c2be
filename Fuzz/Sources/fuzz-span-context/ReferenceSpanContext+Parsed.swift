@testable import FCRuntime

extension ReferenceSpanContext {
    /// The reference's view of a context the runtime parsed.
    init(_ parsed: JaegerSpanContext) {
        self.init(
            traceIDHigh: parsed.traceIDHigh, traceIDLow: parsed.traceIDLow, spanID: parsed.spanID, parentSpanID: parsed.parentSpanID,
            flags: parsed.flags)
    }
}
