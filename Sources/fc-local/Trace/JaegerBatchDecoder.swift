/// Decodes a jaeger.thrift `Batch` (what a function POSTs to `/api/traces`) into collected spans.
enum JaegerBatchDecoder {
    static func decode(_ body: [UInt8]) throws -> [CollectedSpan] {
        var reader = ThriftBinaryReader(body)
        var serviceName = ""
        var spans: [RawSpan] = []
        while let field = try reader.fieldHeader() {
            switch (field.id, field.type) {
            case (1, .structure):
                while let processField = try reader.fieldHeader() {
                    if processField.id == 1, processField.type == .string { serviceName = try reader.string() } else { try reader.skip(processField.type) }
                }
            case (2, .list):
                let (type, count) = try reader.listHeader()
                guard type == .structure else { throw ThriftBinaryReader.Malformed(description: "spans are not structs") }
                for _ in 0..<count { spans.append(try span(&reader)) }
            default:
                try reader.skip(field.type)
            }
        }
        return spans.map { raw in
            CollectedSpan(
                traceID: CollectedSpan.hex16(UInt64(bitPattern: raw.traceIDHigh)) + CollectedSpan.hex16(UInt64(bitPattern: raw.traceIDLow)),
                spanID: CollectedSpan.hex16(UInt64(bitPattern: raw.spanID)),
                parentSpanID: raw.parentSpanID == 0 ? nil : CollectedSpan.hex16(UInt64(bitPattern: raw.parentSpanID)),
                name: raw.name, startMicroseconds: raw.start, durationMicroseconds: raw.duration, serviceName: serviceName,
                tags: raw.tags, flags: Int(raw.flags))
        }
    }

    private struct RawSpan {
        var traceIDLow: Int64 = 0, traceIDHigh: Int64 = 0, spanID: Int64 = 0, parentSpanID: Int64 = 0
        var name = ""
        var flags: Int32 = 0
        var start: Int64 = 0, duration: Int64 = 0
        var tags: [CollectedSpan.Tag] = []
    }

    private static func span(_ reader: inout ThriftBinaryReader) throws -> RawSpan {
        var span = RawSpan()
        while let field = try reader.fieldHeader() {
            switch (field.id, field.type) {
            case (1, .i64): span.traceIDLow = try reader.i64()
            case (2, .i64): span.traceIDHigh = try reader.i64()
            case (3, .i64): span.spanID = try reader.i64()
            case (4, .i64): span.parentSpanID = try reader.i64()
            case (5, .string): span.name = try reader.string()
            case (7, .i32): span.flags = try reader.i32()
            case (8, .i64): span.start = try reader.i64()
            case (9, .i64): span.duration = try reader.i64()
            case (10, .list):
                let (_, count) = try reader.listHeader()
                for _ in 0..<count { if let tag = try tag(&reader) { span.tags.append(tag) } }
            default: try reader.skip(field.type)
            }
        }
        return span
    }

    private static func tag(_ reader: inout ThriftBinaryReader) throws -> CollectedSpan.Tag? {
        var key = "", type: Int32 = -1
        var value: CollectedSpan.TagValue?
        while let field = try reader.fieldHeader() {
            switch (field.id, field.type) {
            case (1, .string): key = try reader.string()
            case (2, .i32): type = try reader.i32()
            case (3, .string): value = .string(try reader.string())
            case (4, .double): value = .double(try reader.double())
            case (5, .bool): value = .bool(try reader.bool())
            case (6, .i64): value = .int(try reader.i64())
            default: try reader.skip(field.type)
            }
        }
        guard let value else { return nil }
        let typeName = ["string", "float64", "bool", "int64", "binary"][safe: Int(type)] ?? "string"
        return CollectedSpan.Tag(key: key, type: typeName, value: value)
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
