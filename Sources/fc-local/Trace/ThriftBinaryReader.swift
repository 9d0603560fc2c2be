/// Reads Thrift's binary protocol: big-endian integers, length-prefixed strings, `type id` field headers ending in a
/// stop byte. Unknown fields are skipped by type, as Thrift readers do.
struct ThriftBinaryReader {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    enum WireType: UInt8 {
        case stop = 0, bool = 2, byte = 3, double = 4, i16 = 6, i32 = 8, i64 = 10, string = 11, structure = 12, map = 13, set = 14, list = 15
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index == bytes.count }

    /// The next field's type and id, or `nil` at the struct's stop byte.
    mutating func fieldHeader() throws -> (type: WireType, id: Int16)? {
        let type = try wireType()
        if type == .stop { return nil }
        return (type, Int16(bitPattern: try bigEndian(UInt16.self)))
    }

    mutating func listHeader() throws -> (type: WireType, count: Int) {
        let type = try wireType()
        let count = Int(Int32(bitPattern: try bigEndian(UInt32.self)))
        guard count >= 0, count <= bytes.count - index else { throw Malformed(description: "list of \(count) elements does not fit") }
        return (type, count)
    }

    mutating func bool() throws -> Bool { try byte() != 0 }
    mutating func i32() throws -> Int32 { Int32(bitPattern: try bigEndian(UInt32.self)) }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try bigEndian(UInt64.self)) }
    mutating func double() throws -> Double { Double(bitPattern: try bigEndian(UInt64.self)) }

    mutating func string() throws -> String {
        let length = Int(try i32())
        guard length >= 0, length <= bytes.count - index else { throw Malformed(description: "string of \(length) bytes does not fit") }
        defer { index += length }
        return String(decoding: bytes[index..<index + length], as: UTF8.self)
    }

    /// Skips a value of `type` (nested structs and containers included).
    mutating func skip(_ type: WireType, depth: Int = 0) throws {
        guard depth < 64 else { throw Malformed(description: "nesting too deep") }
        switch type {
        case .stop: return
        case .bool, .byte: index += 1
        case .i16: index += 2
        case .i32: index += 4
        case .double, .i64: index += 8
        case .string: _ = try string()
        case .structure:
            while let field = try fieldHeader() { try skip(field.type, depth: depth + 1) }
        case .list, .set:
            let (elementType, count) = try listHeader()
            guard elementType != .stop || count == 0 else { throw Malformed(description: "invalid list element type") }
            for _ in 0..<count { try skip(elementType, depth: depth + 1) }
        case .map:
            let keyType = try wireType(), valueType = try wireType()
            let count = Int(try i32())
            guard count >= 0, count <= bytes.count - index, keyType != .stop, valueType != .stop else {
                throw Malformed(description: "invalid map header")
            }
            for _ in 0..<count {
                try skip(keyType, depth: depth + 1)
                try skip(valueType, depth: depth + 1)
            }
        }
        guard index <= bytes.count else { throw Malformed(description: "truncated") }
    }

    private mutating func wireType() throws -> WireType {
        let raw = try byte()
        guard let type = WireType(rawValue: raw) else { throw Malformed(description: "unknown wire type \(raw)") }
        return type
    }

    private mutating func byte() throws -> UInt8 {
        guard index < bytes.count else { throw Malformed(description: "truncated") }
        defer { index += 1 }
        return bytes[index]
    }

    private mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        let size = MemoryLayout<T>.size
        guard index + size <= bytes.count else { throw Malformed(description: "truncated") }
        var value: T = 0
        for offset in 0..<size { value = value << 8 | T(bytes[index + offset]) }
        index += size
        return value
    }
}
