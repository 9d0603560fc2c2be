import Tracing

/// Encodes a batch of finished spans as jaeger.thrift's `Batch { Process process; list<Span> spans }` in Thrift's
/// binary protocol. Ids are the signed bit patterns of the unsigned ids, times microseconds since the epoch.
enum JaegerThriftEncoder {
    private enum TagType: Int32 { case string = 0, double = 1, bool = 2, long = 3 }
    private enum ReferenceType: Int32 { case childOf = 0, followsFrom = 1 }

    static func encode(process: TraceProcess, spans: [FinishedSpan]) -> [UInt8] {
        var writer = ThriftBinaryWriter(capacity: 256 + spans.count * 512)
        writer.field(.structure, id: 1)  // Batch.process
        writeProcess(process, to: &writer)
        writer.field(.list, id: 2)  // Batch.spans
        writer.listHeader(of: .structure, count: spans.count)
        for span in spans { writeSpan(span, to: &writer) }
        writer.stop()
        return writer.finish()
    }

    private static func writeProcess(_ process: TraceProcess, to writer: inout ThriftBinaryWriter) {
        writer.field(.string, id: 1)
        writer.string(process.serviceName)
        writer.field(.list, id: 2)
        writer.listHeader(of: .structure, count: process.tags.count + (process.function?.entries.count ?? 0))
        for (key, value) in process.tags { writeTag(key, value, to: &writer) }
        if let function = process.function { writer.append(function.thriftTags) }
        writer.stop()
    }

    private static func writeSpan(_ span: FinishedSpan, to writer: inout ThriftBinaryWriter) {
        writer.field(.i64, id: 1)
        writer.i64(Int64(bitPattern: span.traceID.low))
        writer.field(.i64, id: 2)
        writer.i64(Int64(bitPattern: span.traceID.high))
        writer.field(.i64, id: 3)
        writer.i64(Int64(bitPattern: span.spanID))
        writer.field(.i64, id: 4)
        writer.i64(Int64(bitPattern: span.parentSpanID))
        writer.field(.string, id: 5)
        writer.string(span.name)

        // CHILD_OF the parent, FOLLOWS_FROM each link; written as they are read (an array of them cost an allocation).
        let referenceCount = (span.parentSpanID != 0 ? 1 : 0) + span.links.count
        if referenceCount > 0 {
            writer.field(.list, id: 6)
            writer.listHeader(of: .structure, count: referenceCount)
            if span.parentSpanID != 0 { writeReference(.childOf, span.traceID, span.parentSpanID, to: &writer) }
            for link in span.links { writeReference(.followsFrom, link.traceID, link.spanID, to: &writer) }
        }
        writer.field(.i32, id: 7)
        writer.i32(Int32(span.flags))
        writer.field(.i64, id: 8)
        writer.i64(Int64(span.startNanoseconds / 1000))
        writer.field(.i64, id: 9)
        writer.i64(Int64(span.durationNanoseconds / 1000))

        writer.field(.list, id: 10)
        writeTags(of: span, to: &writer)

        if !span.events.isEmpty {
            writer.field(.list, id: 11)
            writer.listHeader(of: .structure, count: span.events.count)
            for event in span.events {
                writer.field(.i64, id: 1)
                writer.i64(Int64(event.nanosecondsSinceEpoch / 1000))
                let fields: [(String, SpanAttribute)] = [("event", .string(event.name))] + event.attributes.pairs
                writer.field(.list, id: 2)
                writer.listHeader(of: .structure, count: fields.count)
                for (key, value) in fields { writeTag(key, value, to: &writer) }
                writer.stop()
            }
        }
        writer.stop()
    }

    /// A `SpanRef` struct.
    private static func writeReference(
        _ type: ReferenceType, _ traceID: TraceIdentifier, _ spanID: UInt64, to writer: inout ThriftBinaryWriter
    ) {
        writer.field(.i32, id: 1)
        writer.i32(type.rawValue)
        writer.field(.i64, id: 2)
        writer.i64(Int64(bitPattern: traceID.low))
        writer.field(.i64, id: 3)
        writer.i64(Int64(bitPattern: traceID.high))
        writer.field(.i64, id: 4)
        writer.i64(Int64(bitPattern: spanID))
        writer.stop()
    }

    /// Consecutive `Tag` structs for `entries` (a function's resource attributes are encoded once with this).
    static func tagBytes(_ entries: [(String, SpanAttribute)]) -> [UInt8] {
        var writer = ThriftBinaryWriter(capacity: entries.count * 48)
        for (key, value) in entries { writeTag(key, value, to: &writer) }
        return writer.finish()
    }

    /// The span's attributes plus Jaeger's conventional tags for its kind and an error status, as a list of `Tag`s
    /// (written as they are read: collecting them into an array first cost a third of a span's encoding).
    private static func writeTags(of span: FinishedSpan, to writer: inout ThriftBinaryWriter) {
        var statusTags: [(String, SpanAttribute)] = []
        if let status = span.status {
            switch status.code {
            case .error:
                statusTags.append(("error", .bool(true)))
                statusTags.append(("otel.status_code", .string("ERROR")))
                if let message = status.message { statusTags.append(("otel.status_description", .string(message))) }
            case .ok:
                statusTags.append(("otel.status_code", .string("OK")))
            }
        }
        writer.listHeader(of: .structure, count: span.runtimeAttributes.count + span.attributes.count + 1 + statusTags.count)
        span.runtimeAttributes.forEach(
            string: { key, value in writeStringTag(key, value, to: &writer) },
            bool: { key, value in writeBoolTag(key, value, to: &writer) })
        span.attributes.forEach { key, value in writeTag(key, value, to: &writer) }
        writeStringTag("span.kind", span.kindName, to: &writer)
        for (key, value) in statusTags { writeTag(key, value, to: &writer) }
    }

    private static func writeTag(_ key: String, _ value: SpanAttribute, to writer: inout ThriftBinaryWriter) {
        writer.field(.string, id: 1)
        writer.string(key)
        switch value {
        case .int32(let number):
            writeTagType(.long, to: &writer)
            writer.field(.i64, id: 6)
            writer.i64(Int64(number))
        case .int64(let number):
            writeTagType(.long, to: &writer)
            writer.field(.i64, id: 6)
            writer.i64(number)
        case .double(let number) where number.isFinite:
            writeTagType(.double, to: &writer)
            writer.field(.double, id: 4)
            writer.double(number)
        case .bool(let flag):
            writeBoolValue(flag, to: &writer)
        case .string(let text):
            writeStringValue(text, to: &writer)
        default:
            writeStringValue(SpanAttributeText.string(value), to: &writer)
        }
        writer.stop()
    }

    /// A string `Tag` with a constant key.
    private static func writeStringTag(_ key: StaticString, _ value: String, to writer: inout ThriftBinaryWriter) {
        writer.field(.string, id: 1)
        writer.string(key)
        writeStringValue(value, to: &writer)
        writer.stop()
    }

    /// A boolean `Tag` with a constant key.
    private static func writeBoolTag(_ key: StaticString, _ value: Bool, to writer: inout ThriftBinaryWriter) {
        writer.field(.string, id: 1)
        writer.string(key)
        writeBoolValue(value, to: &writer)
        writer.stop()
    }

    /// A `Tag`'s type and value fields for a string value.
    @inline(__always)
    private static func writeStringValue(_ value: String, to writer: inout ThriftBinaryWriter) {
        writeTagType(.string, to: &writer)
        writer.field(.string, id: 3)
        writer.string(value)
    }

    /// A `Tag`'s type and value fields for a boolean value.
    @inline(__always)
    private static func writeBoolValue(_ value: Bool, to writer: inout ThriftBinaryWriter) {
        writeTagType(.bool, to: &writer)
        writer.field(.bool, id: 5)
        writer.bool(value)
    }

    /// `Tag.vType`.
    @inline(__always)
    private static func writeTagType(_ type: TagType, to writer: inout ThriftBinaryWriter) {
        writer.field(.i32, id: 2)
        writer.i32(type.rawValue)
    }
}
