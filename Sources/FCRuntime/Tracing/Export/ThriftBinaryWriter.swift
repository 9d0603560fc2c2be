/// Writes Thrift's binary protocol (big-endian integers, length-prefixed strings, `type id` field headers and a stop
/// byte per struct): the encoding a Jaeger collector's `/api/traces` endpoint reads for `application/x-thrift`.
///
/// Integers are appended byte by byte from shifts, which the optimizer turns into plain stores: appending them
/// through raw buffers cost ~70 instructions per integer, most of a span's encoding.
struct ThriftBinaryWriter {
    /// Thrift's wire type codes.
    enum WireType: UInt8 {
        case bool = 2, double = 4, i32 = 8, i64 = 10, string = 11, structure = 12, list = 15
    }

    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    /// Starts a field of the enclosing struct.
    @inline(__always)
    mutating func field(_ type: WireType, id: Int16) {
        bytes.append(type.rawValue)
        bytes.append(UInt8(truncatingIfNeeded: id >> 8))
        bytes.append(UInt8(truncatingIfNeeded: id))
    }

    /// Ends the enclosing struct.
    @inline(__always)
    mutating func stop() {
        bytes.append(0)
    }

    /// Starts a list; its `count` elements follow.
    mutating func listHeader(of type: WireType, count: Int) {
        bytes.append(type.rawValue)
        appendBigEndian(UInt32(truncatingIfNeeded: count))
    }

    mutating func i32(_ value: Int32) { appendBigEndian(UInt32(bitPattern: value)) }
    mutating func i64(_ value: Int64) { appendBigEndian(UInt64(bitPattern: value)) }
    mutating func double(_ value: Double) { appendBigEndian(value.bitPattern) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    /// Bytes already in Thrift's encoding (for example pre-encoded structs).
    mutating func append(_ encoded: [UInt8]) { bytes.append(contentsOf: encoded) }

    /// A UTF-8 string (Thrift `string` and `binary` share this form).
    mutating func string(_ value: String) {
        appendBigEndian(UInt32(truncatingIfNeeded: value.utf8.count))
        // Native strings hand over their bytes in one copy; the generic path walks them one by one.
        let copied: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in bytes.append(contentsOf: utf8) }
        if copied == nil { bytes.append(contentsOf: value.utf8) }
    }

    @inline(__always)
    private mutating func appendBigEndian(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    private mutating func appendBigEndian(_ value: UInt64) {
        appendBigEndian(UInt32(truncatingIfNeeded: value >> 32))
        appendBigEndian(UInt32(truncatingIfNeeded: value))
    }
}
