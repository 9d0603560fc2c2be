import FuzzSupport

@testable import FCRuntime

/// Parses the input as FC's span-context header (`traceId:spanId:parentSpanId:flags`) and as a W3C `traceparent`,
/// and checks each parser against a reference written from the formats' rules, then the round trips:
/// parse → `headerValue` → parse, and parse → outgoing `uber-trace-id`/`traceparent` → parse.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpanContext(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)

    let jaeger = Result { () throws(SpanContextParsingError) in try JaegerSpanContext(parsing: text) }
    let expected = ReferenceSpanContext.jaeger(text)
    switch (jaeger, expected) {
    case (.success(let parsed), let expected?):
        require(ReferenceSpanContext(parsed) == expected, "parsed \(parsed) but the reference reads \(expected) from \(visible(text))")
        requireRoundTrips(parsed)
    case (.failure(let error), nil):
        requireHonestError(error, input: text)
    case (.success(let parsed), nil):
        require(false, "accepted \(visible(text)) as \(parsed); the reference rejects it")
    case (.failure(let error), let expected?):
        require(false, "rejected \(visible(text)) (\(error)); the reference reads \(expected)")
    }

    let w3c = Result { () throws(SpanContextParsingError) in try JaegerSpanContext(traceParent: text) }
    let expectedW3C = ReferenceSpanContext.traceParent(text)
    switch (w3c, expectedW3C) {
    case (.success(let parsed), let expected?):
        require(ReferenceSpanContext(parsed) == expected, "traceparent: parsed \(parsed) but the reference reads \(expected)")
        requireRoundTrips(parsed)
    case (.failure(let error), nil):
        requireHonestError(error, input: text)
    case (.success(let parsed), nil):
        require(false, "accepted traceparent \(visible(text)) as \(parsed); the reference rejects it")
    case (.failure(let error), let expected?):
        require(false, "rejected traceparent \(visible(text)) (\(error)); the reference reads \(expected)")
    }
    return 0
}

/// The header forms a parsed context is written back as must read back to the same context.
private func requireRoundTrips(_ context: JaegerSpanContext) {
    let header = context.headerValue
    require((try? JaegerSpanContext(parsing: header)) == context, "\(header) does not parse back to \(context)")
    require(header.utf8.allSatisfy { ReferenceSpanContext.isHex($0) || $0 == UInt8(ascii: ":") }, "header \(visible(header))")

    let active = ActiveSpan(
        traceID: TraceIdentifier(high: context.traceIDHigh, low: context.traceIDLow), spanID: context.spanID,
        parentSpanID: context.parentSpanID, flags: context.flags, traceState: "", baggage: [:], sink: nil)
    let outgoing = Dictionary(TraceHeaders.outgoing(for: active).map { ($0.name, $0.value) }) { first, _ in first }
    require((try? JaegerSpanContext(parsing: outgoing["uber-trace-id"] ?? "")) == context, "uber-trace-id \(outgoing) ≠ \(context)")
    let viaW3C = try? JaegerSpanContext(traceParent: outgoing["traceparent"] ?? "")
    require(
        viaW3C?.traceIDHigh == context.traceIDHigh && viaW3C?.traceIDLow == context.traceIDLow && viaW3C?.spanID == context.spanID
            && viaW3C?.isSampled == context.isSampled,
        "traceparent \(outgoing["traceparent"] ?? "none") does not carry \(context)")
}

/// Error messages name the part at fault, never echo the input (which may be huge or hold control characters).
private func requireHonestError(_ error: SpanContextParsingError, input: String) {
    let message = error.description
    LineRules.requireLineSafe(message, what: "error message")
    require(message.utf8.count < 200, "error message too long: \(message)")
}
