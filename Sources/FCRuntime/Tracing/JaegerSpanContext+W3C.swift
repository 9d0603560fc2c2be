import W3CTraceContext

extension JaegerSpanContext {
    /// Reads a W3C `traceparent` (version 00): the trace id becomes the 128-bit trace id, the parent id the span id,
    /// the sampled flag bit 0; there is no grandparent, so `parentSpanID` is 0.
    public init(traceParent: String) throws(SpanContextParsingError) {
        let parsed: TraceContext
        do {
            parsed = try TraceContext(traceParentHeaderValue: traceParent.trimmingCharacters(in: " \t"))
        } catch {
            throw .notTraceParent
        }
        let trace = parsed.traceID.bytes
        let span = parsed.spanID.bytes
        let high = withUnsafeBytes(of: trace) { Self.bigEndianWord($0, from: 0) }
        let low = withUnsafeBytes(of: trace) { Self.bigEndianWord($0, from: 8) }
        let spanID = withUnsafeBytes(of: span) { Self.bigEndianWord($0, from: 0) }
        guard let context = JaegerSpanContext(
            traceIDHigh: high, traceIDLow: low, spanID: spanID, flags: parsed.flags.contains(.sampled) ? 1 : 0)
        else { throw .zeroID("trace id or span id") }
        self = context
    }

    private static func bigEndianWord(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in offset..<offset + 8 { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}
