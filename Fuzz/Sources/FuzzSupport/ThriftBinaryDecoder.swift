/// A value of Thrift's binary protocol read without a schema: what the Jaeger round-trip check decodes the
/// runtime's batches with. It is written from the protocol's specification and shares no code with the encoder.
public indirect enum ThriftValue: Equatable {
    /// `bool` (one byte, 0 or 1).
    case bool(Bool)
    /// `byte`.
    case byte(Int8)
    /// `double` (its IEEE 754 bits, big-endian).
    case double(Double)
    /// `i16`.
    case i16(Int16)
    /// `i32`.
    case i32(Int32)
    /// `i64`.
    case i64(Int64)
    /// `string` and `binary` share one wire form.
    case binary([UInt8])
    /// A struct's fields, in wire order.
    case structure([ThriftField])
    /// A list and its elements' type code.
    case list(elementType: UInt8, [ThriftValue])
    /// A set and its elements' type code.
    case set(elementType: UInt8, [ThriftValue])
    /// A map and its keys' and values' type codes.
    case map(keyType: UInt8, valueType: UInt8, [ThriftMapEntry])
}

/// One field of a struct, in wire order.
public struct ThriftField: Equatable {
    /// The field id.
    public let id: Int16
    /// The wire type code the field header gave.
    public let type: UInt8
    /// The value read for that type.
    public let value: ThriftValue
}

/// One entry of a map.
public struct ThriftMapEntry: Equatable {
    /// The key.
    public let key: ThriftValue
    /// The value.
    public let value: ThriftValue
}

/// Why bytes are not a well-formed Thrift binary value.
public enum ThriftDecodingError: Error, Equatable {
    /// The bytes end inside a value.
    case truncated(at: Int)
    /// A type code the protocol does not define.
    case unknownType(UInt8, at: Int)
    /// A string, list, set or map size below zero.
    case negativeSize(Int32, at: Int)
    /// A `bool` byte other than 0 or 1.
    case invalidBool(UInt8, at: Int)
    /// Structs nested more than 64 deep.
    case tooDeep
}

/// Reads Thrift's binary protocol: big-endian integers, `i32`-length-prefixed strings, `type i16-id` field
/// headers ending with a stop byte, `type i32-count` list and set headers, `key-type value-type i32-count` maps.
public struct ThriftBinaryDecoder {
    /// Wire type codes, from the protocol specification.
    public enum WireType {
        /// Type codes: `stop` ends a struct; the others name a value's type.
        public static let stop: UInt8 = 0, bool: UInt8 = 2, byte: UInt8 = 3, double: UInt8 = 4, i16: UInt8 = 6, i32: UInt8 = 8
        /// Type codes, continued.
        public static let i64: UInt8 = 10, string: UInt8 = 11, structure: UInt8 = 12, map: UInt8 = 13, set: UInt8 = 14, list: UInt8 = 15
    }

    private let bytes: [UInt8]
    private(set) var offset = 0
    private var depth = 0

    /// A decoder at the start of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been consumed.
    public var isAtEnd: Bool { offset == bytes.count }

    /// Reads one struct (its fields up to and including the stop byte).
    public mutating func readStruct() throws(ThriftDecodingError) -> [ThriftField] {
        depth += 1
        defer { depth -= 1 }
        guard depth <= 64 else { throw .tooDeep }
        var fields: [ThriftField] = []
        while true {
            let type = try readByte()
            if type == WireType.stop { return fields }
            let id = Int16(bitPattern: UInt16(try readBigEndian(byteCount: 2)))
            fields.append(ThriftField(id: id, type: type, value: try readValue(of: type)))
        }
    }

    private mutating func readValue(of type: UInt8) throws(ThriftDecodingError) -> ThriftValue {
        let start = offset
        switch type {
        case WireType.bool:
            let byte = try readByte()
            guard byte <= 1 else { throw .invalidBool(byte, at: start) }
            return .bool(byte == 1)
        case WireType.byte: return .byte(Int8(bitPattern: try readByte()))
        case WireType.double: return .double(Double(bitPattern: try readBigEndian(byteCount: 8)))
        case WireType.i16: return .i16(Int16(bitPattern: UInt16(try readBigEndian(byteCount: 2))))
        case WireType.i32: return .i32(Int32(bitPattern: UInt32(try readBigEndian(byteCount: 4))))
        case WireType.i64: return .i64(Int64(bitPattern: try readBigEndian(byteCount: 8)))
        case WireType.string:
            let count = try readSize()
            guard bytes.count - offset >= count else { throw .truncated(at: offset) }
            defer { offset += count }
            return .binary(Array(bytes[offset..<offset + count]))
        case WireType.structure: return .structure(try readStruct())
        case WireType.list, WireType.set:
            let elementType = try readByte()
            let count = try readSize()
            var elements: [ThriftValue] = []
            for _ in 0..<count { elements.append(try readValue(of: elementType)) }
            return type == WireType.list ? .list(elementType: elementType, elements) : .set(elementType: elementType, elements)
        case WireType.map:
            let keyType = try readByte()
            let valueType = try readByte()
            let count = try readSize()
            var entries: [ThriftMapEntry] = []
            for _ in 0..<count { entries.append(ThriftMapEntry(key: try readValue(of: keyType), value: try readValue(of: valueType))) }
            return .map(keyType: keyType, valueType: valueType, entries)
        default:
            throw .unknownType(type, at: start)
        }
    }

    /// A non-negative `i32` size; a size larger than the bytes left fails as truncation when its elements are read.
    private mutating func readSize() throws(ThriftDecodingError) -> Int {
        let start = offset
        let size = Int32(bitPattern: UInt32(try readBigEndian(byteCount: 4)))
        guard size >= 0 else { throw .negativeSize(size, at: start) }
        guard Int(size) <= bytes.count - offset else { throw .truncated(at: offset) }
        return Int(size)
    }

    private mutating func readByte() throws(ThriftDecodingError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    private mutating func readBigEndian(byteCount: Int) throws(ThriftDecodingError) -> UInt64 {
        guard bytes.count - offset >= byteCount else { throw .truncated(at: offset) }
        var value: UInt64 = 0
        for index in offset..<offset + byteCount { value = value << 8 | UInt64(bytes[index]) }
        offset += byteCount
        return value
    }
}
