import Foundation

/// The platform's side of one traced invocation: a fresh trace with fc-local's `InvokeFunction` span, the headers FC
/// sends with it (span context, baggage, collector endpoint), and fc-local's own spans once the times are known.
struct PlatformTrace: Sendable {
    let traceID: String
    let invokeSpanID: String

    /// A new trace with random 128-bit trace id and 64-bit span id.
    init() {
        traceID = CollectedSpan.hex16(UInt64.random(in: 1...UInt64.max)) + CollectedSpan.hex16(UInt64.random(in: 1...UInt64.max))
        invokeSpanID = CollectedSpan.hex16(UInt64.random(in: 1...UInt64.max))
    }

    /// What FC sends a traced invocation (CONTRACT §2).
    func headers(endpoint: String) -> [(String, String)] {
        let baggage = Data(#"{"fc-local":"invoke"}"#.utf8).base64EncodedString()
        return [
            ("x-fc-tracing-opentracing-span-context", "\(traceID):\(invokeSpanID):0:1"),
            ("x-fc-tracing-opentracing-span-baggages", baggage),
            ("x-fc-tracing-jaeger-endpoint", endpoint),
        ]
    }

    /// The start-up of a cold instance: spawn → port ready (PrepareCode), spawn → ready for invocations (ColdStart).
    struct ColdStart: Sendable {
        let spawnedAtMicroseconds: Int64
        let portReadyAtMicroseconds: Int64
        let readyAtMicroseconds: Int64
    }

    /// fc-local's spans: `InvokeFunction` (from the spawn for a cold start, else from the request) ⊃ `ColdStart` ⊃
    /// `PrepareCode`.
    func platformSpans(serviceName: String, requestStart: Int64, requestEnd: Int64, coldStart: ColdStart?) -> [CollectedSpan] {
        let start = coldStart?.spawnedAtMicroseconds ?? requestStart
        var spans = [
            span("InvokeFunction", id: invokeSpanID, parent: nil, start: start, end: requestEnd, serviceName: serviceName,
                 tags: [.init(key: "fc.cold_start", type: "bool", value: .bool(coldStart != nil))])
        ]
        if let coldStart {
            let coldID = CollectedSpan.hex16(UInt64.random(in: 1...UInt64.max))
            spans.append(span("ColdStart", id: coldID, parent: invokeSpanID, start: start, end: coldStart.readyAtMicroseconds, serviceName: serviceName))
            spans.append(
                span("PrepareCode", id: CollectedSpan.hex16(UInt64.random(in: 1...UInt64.max)), parent: coldID, start: start,
                     end: coldStart.portReadyAtMicroseconds, serviceName: serviceName))
        }
        return spans
    }

    private func span(
        _ name: String, id: String, parent: String?, start: Int64, end: Int64, serviceName: String, tags: [CollectedSpan.Tag] = []
    ) -> CollectedSpan {
        CollectedSpan(
            traceID: traceID, spanID: id, parentSpanID: parent, name: name, startMicroseconds: start,
            durationMicroseconds: max(0, end - start), serviceName: serviceName,
            tags: tags + [.init(key: "span.kind", type: "string", value: .string("server"))], flags: 1)
    }

    static var nowMicroseconds: Int64 { Int64(Date().timeIntervalSince1970 * 1_000_000) }
}
