import FuzzSupport

/// jaeger.thrift's `Batch`, read from generic Thrift values by field id and wire type (Tests/Tools/jaeger.thrift),
/// strictly: an unknown field, a wrong type, a repeated field or a missing required one is an error.
struct JaegerBatchModel: Equatable {
    enum TagValue: Equatable {
        case string([UInt8])
        /// The bit pattern, so that values compare exactly.
        case double(UInt64)
        case bool(Bool)
        case long(Int64)
        /// Only in expectations: a string tag whose text must parse (as JSON) to this array of strings.
        case jsonStringArray([String])

        /// Whether a decoded value satisfies this expected one.
        func isSatisfied(by decoded: TagValue) -> Bool {
            guard case .jsonStringArray(let elements) = self else { return self == decoded }
            guard case .string(let text) = decoded else { return false }
            return JSONValue.parse(text) == .array(elements.map { .string($0) })
        }
    }

    struct Tag: Equatable {
        var key: [UInt8]
        var value: TagValue
    }

    struct Reference: Equatable {
        var type: Int32
        var traceIDLow: Int64
        var traceIDHigh: Int64
        var spanID: Int64
    }

    struct Log: Equatable {
        var timestamp: Int64
        var fields: [Tag]
    }

    struct Span: Equatable {
        var traceIDLow: Int64
        var traceIDHigh: Int64
        var spanID: Int64
        var parentSpanID: Int64
        var operationName: [UInt8]
        var references: [Reference]?
        var flags: Int32
        var startTime: Int64
        var duration: Int64
        var tags: [Tag]?
        var logs: [Log]?
    }

    var serviceName: [UInt8]
    var processTags: [Tag]?
    var spans: [Span]

    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads a whole batch; the bytes must hold exactly one `Batch` struct.
    static func decode(_ bytes: [UInt8]) throws -> JaegerBatchModel {
        var decoder = ThriftBinaryDecoder(bytes)
        let fields = try decoder.readStruct()
        guard decoder.isAtEnd else { throw Invalid(description: "bytes left after the batch") }
        let batch = try Fields(fields, "Batch")
        let process = try Fields(try batch.structure(1, required: true)!, "Process")
        return JaegerBatchModel(
            serviceName: try process.binary(1, required: true)!,
            processTags: try process.list(2, of: ThriftBinaryDecoder.WireType.structure).map { try $0.map(tag) },
            spans: try batch.list(2, of: ThriftBinaryDecoder.WireType.structure, required: true)!.map(span))
    }

    private static func span(_ value: ThriftValue) throws -> Span {
        let span = try Fields(value, "Span")
        let structure = ThriftBinaryDecoder.WireType.structure
        return Span(
            traceIDLow: try span.i64(1), traceIDHigh: try span.i64(2), spanID: try span.i64(3), parentSpanID: try span.i64(4),
            operationName: try span.binary(5, required: true)!,
            references: try span.list(6, of: structure).map { try $0.map(reference) },
            flags: try span.i32(7), startTime: try span.i64(8), duration: try span.i64(9),
            tags: try span.list(10, of: structure).map { try $0.map(tag) },
            logs: try span.list(11, of: structure).map { try $0.map(log) })
    }

    private static func reference(_ value: ThriftValue) throws -> Reference {
        let reference = try Fields(value, "SpanRef")
        return Reference(type: try reference.i32(1), traceIDLow: try reference.i64(2), traceIDHigh: try reference.i64(3), spanID: try reference.i64(4))
    }

    private static func log(_ value: ThriftValue) throws -> Log {
        let log = try Fields(value, "Log")
        return Log(
            timestamp: try log.i64(1), fields: try log.list(2, of: ThriftBinaryDecoder.WireType.structure, required: true)!.map(tag))
    }

    private static func tag(_ value: ThriftValue) throws -> Tag {
        let tag = try Fields(value, "Tag")
        let key = try tag.binary(1, required: true)!
        let type = try tag.i32(2)
        let string = try tag.binary(3)
        let double = try tag.double(4)
        let bool = try tag.bool(5)
        let long = try tag.i64Optional(6)
        guard try tag.binary(7) == nil else { throw Invalid(description: "Tag.vBinary is never written") }
        let present = [string != nil, double != nil, bool != nil, long != nil].filter { $0 }.count
        guard present == 1 else { throw Invalid(description: "Tag has \(present) values") }
        switch type {
        case 0: if let string { return Tag(key: key, value: .string(string)) }
        case 1: if let double { return Tag(key: key, value: .double(double.bitPattern)) }
        case 2: if let bool { return Tag(key: key, value: .bool(bool)) }
        case 3: if let long { return Tag(key: key, value: .long(long)) }
        default: break
        }
        throw Invalid(description: "Tag.vType \(type) does not match its value field")
    }
}

/// The fields of one struct by id, checked against the field ids and wire types the IDL gives.
private struct Fields {
    private let byID: [Int16: ThriftField]
    private let name: String

    init(_ value: ThriftValue, _ name: String) throws {
        guard case .structure(let fields) = value else { throw JaegerBatchModel.Invalid(description: "\(name) is not a struct") }
        try self.init(fields, name)
    }

    init(_ fields: [ThriftField], _ name: String) throws {
        var byID: [Int16: ThriftField] = [:]
        for field in fields {
            guard byID[field.id] == nil else { throw JaegerBatchModel.Invalid(description: "\(name) repeats field \(field.id)") }
            byID[field.id] = field
        }
        let known = Self.schema[name] ?? [:]
        for field in fields where known[field.id] != field.type {
            throw JaegerBatchModel.Invalid(description: "\(name) field \(field.id) has wire type \(field.type), the IDL says \(known[field.id].map(String.init) ?? "no such field")")
        }
        self.byID = byID
        self.name = name
    }

    /// Field id → wire type, per jaeger.thrift.
    private static let schema: [String: [Int16: UInt8]] = {
        typealias W = ThriftBinaryDecoder.WireType
        return [
            "Batch": [1: W.structure, 2: W.list, 3: W.i64, 4: W.structure],
            "Process": [1: W.string, 2: W.list],
            "Span": [1: W.i64, 2: W.i64, 3: W.i64, 4: W.i64, 5: W.string, 6: W.list, 7: W.i32, 8: W.i64, 9: W.i64, 10: W.list, 11: W.list, 12: W.bool],
            "SpanRef": [1: W.i32, 2: W.i64, 3: W.i64, 4: W.i64],
            "Log": [1: W.i64, 2: W.list],
            "Tag": [1: W.string, 2: W.i32, 3: W.string, 4: W.double, 5: W.bool, 6: W.i64, 7: W.string],
        ]
    }()

    private func missing(_ id: Int16) -> JaegerBatchModel.Invalid { .init(description: "\(name) lacks required field \(id)") }

    func i64(_ id: Int16) throws -> Int64 {
        guard let value = try i64Optional(id) else { throw missing(id) }
        return value
    }

    func i64Optional(_ id: Int16) throws -> Int64? {
        guard case .i64(let value)? = byID[id]?.value else { return nil }
        return value
    }

    func i32(_ id: Int16) throws -> Int32 {
        guard case .i32(let value)? = byID[id]?.value else { throw missing(id) }
        return value
    }

    func double(_ id: Int16) throws -> Double? {
        guard case .double(let value)? = byID[id]?.value else { return nil }
        return value
    }

    func bool(_ id: Int16) throws -> Bool? {
        guard case .bool(let value)? = byID[id]?.value else { return nil }
        return value
    }

    func binary(_ id: Int16, required: Bool = false) throws -> [UInt8]? {
        guard case .binary(let value)? = byID[id]?.value else {
            if required { throw missing(id) }
            return nil
        }
        return value
    }

    func structure(_ id: Int16, required: Bool = false) throws -> [ThriftField]? {
        guard case .structure(let value)? = byID[id]?.value else {
            if required { throw missing(id) }
            return nil
        }
        return value
    }

    func list(_ id: Int16, of elementType: UInt8, required: Bool = false) throws -> [ThriftValue]? {
        guard case .list(let type, let elements)? = byID[id]?.value else {
            if required { throw missing(id) }
            return nil
        }
        guard type == elementType else {
            throw JaegerBatchModel.Invalid(description: "\(name) field \(id) is a list of type \(type), expected \(elementType)")
        }
        return elements
    }
}
