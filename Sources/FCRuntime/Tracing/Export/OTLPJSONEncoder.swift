import Tracing

/// Encodes finished spans as an OTLP/HTTP JSON `ExportTraceServiceRequest`: one resource (the process), one scope
/// (this runtime), the spans. Ids are lower-case hex, times nanoseconds since the epoch as decimal strings, 64-bit
/// integers as strings and enums as numbers, as the OTLP JSON encoding specifies.
enum OTLPJSONEncoder {
    /// The instrumentation scope's name.
    static let scopeName = "swift-fc-runtime"

    static func encode(process: TraceProcess, spans: [FinishedSpan]) -> [UInt8] {
        var json = JSONWriter(capacity: 512 + spans.count * 768)
        json.raw(#"{"resourceSpans":[{"resource":{"attributes":"#)
        var resource: [(String, SpanAttribute)] = [("service.name", .string(process.serviceName))]
        resource += process.allTags
        json.attributes(resource)
        json.raw(#"},"scopeSpans":[{"scope":{"name":"#)
        json.quoted(scopeName)
        json.raw(#","version":"#)
        json.quoted(RuntimeVersion.current)
        json.raw(#"},"spans":["#)
        for (index, span) in spans.enumerated() {
            if index > 0 { json.raw(",") }
            write(span, to: &json)
        }
        json.raw("]}]}]}")
        return json.finish()
    }

    private static func write(_ span: FinishedSpan, to json: inout JSONWriter) {
        json.raw(#"{"traceId":"#)
        json.quoted(span.traceID.hex32)
        json.raw(#","spanId":"#)
        json.quoted(HexDigits.sixteen(span.spanID))
        if span.parentSpanID != 0 {
            json.raw(#","parentSpanId":"#)
            json.quoted(HexDigits.sixteen(span.parentSpanID))
        }
        json.raw(#","flags":"#)
        json.raw(String(span.flags & 0x1))  // the W3C trace flags (sampled)
        json.raw(#","name":"#)
        json.quoted(span.name)
        json.raw(#","kind":"#)
        json.raw(String(kindNumber(span.kind)))
        json.raw(#","startTimeUnixNano":"#)
        json.quoted(String(span.startNanoseconds))
        json.raw(#","endTimeUnixNano":"#)
        json.quoted(String(span.endNanoseconds))
        json.raw(#","attributes":"#)
        json.attributes(span.allAttributes)
        if !span.events.isEmpty {
            json.raw(#","events":["#)
            for (index, event) in span.events.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw(#"{"timeUnixNano":"#)
                json.quoted(String(event.nanosecondsSinceEpoch))
                json.raw(#","name":"#)
                json.quoted(event.name)
                json.raw(#","attributes":"#)
                json.attributes(event.attributes.pairs)
                json.raw("}")
            }
            json.raw("]")
        }
        if !span.links.isEmpty {
            json.raw(#","links":["#)
            for (index, link) in span.links.enumerated() {
                if index > 0 { json.raw(",") }
                json.raw(#"{"traceId":"#)
                json.quoted(link.traceID.hex32)
                json.raw(#","spanId":"#)
                json.quoted(HexDigits.sixteen(link.spanID))
                json.raw(#","attributes":"#)
                json.attributes(link.attributes.pairs)
                json.raw("}")
            }
            json.raw("]")
        }
        if let status = span.status {
            json.raw(#","status":{"code":"#)
            json.raw(status.code == .ok ? "1" : "2")
            if let message = status.message {
                json.raw(#","message":"#)
                json.quoted(message)
            }
            json.raw("}")
        }
        json.raw("}")
    }

    /// OTLP's `SpanKind` numbers.
    private static func kindNumber(_ kind: SpanKind) -> Int {
        switch kind {
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        default: 1
        }
    }
}

/// A minimal JSON byte writer for the OTLP encoder.
private struct JSONWriter: ~Copyable {
    private var writer: ByteWriter

    init(capacity: Int) { writer = ByteWriter(capacity: capacity) }

    /// The encoded bytes.
    consuming func finish() -> [UInt8] { writer.finish() }

    mutating func raw(_ text: String) { writer.append(utf8: text) }

    mutating func quoted(_ text: String) { RecordJSON.appendQuoted(text, to: &writer) }

    /// `[{"key": …, "value": {AnyValue}}, …]`.
    mutating func attributes(_ attributes: [(String, SpanAttribute)]) {
        raw("[")
        for (index, (key, value)) in attributes.enumerated() {
            if index > 0 { raw(",") }
            raw(#"{"key":"#)
            quoted(key)
            raw(#","value":"#)
            anyValue(value)
            raw("}")
        }
        raw("]")
    }

    private mutating func anyValue(_ value: SpanAttribute) {
        switch value {
        case .string(let text): scalar("stringValue", quotedText: text)
        case .int32(let number): scalar("intValue", quotedText: String(number))
        case .int64(let number): scalar("intValue", quotedText: String(number))
        case .double(let number) where number.isFinite: raw(#"{"doubleValue":"# + String(number) + "}")
        case .bool(let flag): raw(#"{"boolValue":"# + String(flag) + "}")
        case .stringArray(let values): array(values.map { .string($0) })
        case .int64Array(let values): array(values.map { .int64($0) })
        case .int32Array(let values): array(values.map { .int32($0) })
        case .boolArray(let values): array(values.map { .bool($0) })
        case .doubleArray(let values): array(values.map { .double($0) })
        default: scalar("stringValue", quotedText: SpanAttributeText.string(value))
        }
    }

    private mutating func scalar(_ name: String, quotedText: String) {
        raw(#"{""# + name + #"":"#)
        quoted(quotedText)
        raw("}")
    }

    private mutating func array(_ values: [SpanAttribute]) {
        raw(#"{"arrayValue":{"values":["#)
        for (index, value) in values.enumerated() {
            if index > 0 { raw(",") }
            anyValue(value)
        }
        raw("]}}")
    }
}
