/// A growable byte buffer for the encoders that run on every invocation (log lines, `FCInsights` records, Jaeger
/// Thrift): each write is a capacity check and plain stores into memory the writer owns. Appending to a `[UInt8]`
/// checks uniqueness and capacity for every byte (~20 instructions and a runtime call each), which made those
/// encoders cost several thousand instructions per invocation.
///
/// Noncopyable, so the memory has exactly one owner; ``finish()`` hands the bytes over as an array.
struct ByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written so far.
    private(set) var count = 0

    /// An empty writer with room for `capacity` bytes before it grows.
    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// A writer that starts with a copy of `bytes` and has room for `extraCapacity` more before it grows.
    init(copying bytes: [UInt8], extraCapacity: Int) {
        self.init(capacity: bytes.count + extraCapacity)
        bytes.withUnsafeBufferPointer { append($0) }
    }

    deinit {
        base.deallocate()
    }

    /// The bytes written, as an array; the writer's memory is released.
    consuming func finish() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Lends the bytes written so far (for a write that needs no array of its own).
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Makes room for `more` bytes; the unchecked writes below may then store that many.
    @inline(__always)
    mutating func reserve(_ more: Int) {
        if count &+ more > capacity { grow(toAtLeast: count + more) }
    }

    @inline(never)
    private mutating func grow(toAtLeast minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Stores one byte; the caller reserved room for it.
    @inline(__always)
    mutating func appendUnchecked(_ byte: UInt8) {
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        appendUnchecked(byte)
    }

    /// Two bytes in one check (an escape such as `\n`).
    @inline(__always)
    mutating func append(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        appendUnchecked(first)
        appendUnchecked(second)
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).initialize(from: source, count: bytes.count)
        count &+= bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    /// The UTF-8 of `text`; native strings in one copy.
    mutating func append(utf8 text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append($0) }
        if copied == nil {
            for byte in text.utf8 { append(byte) }
        }
    }

    /// Stores `value` big-endian (Thrift's byte order).
    @inline(__always)
    mutating func appendBigEndian(_ value: UInt32) {
        reserve(4)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.bigEndian, as: UInt32.self)
        count &+= 4
    }

    /// Stores `value` big-endian.
    @inline(__always)
    mutating func appendBigEndian(_ value: UInt64) {
        reserve(8)
        UnsafeMutableRawPointer(base + count).storeBytes(of: value.bigEndian, as: UInt64.self)
        count &+= 8
    }

    /// The decimal digits of `value` (with a `-` when negative), without building a `String`.
    mutating func appendDecimal(_ value: Int64) {
        reserve(20)
        if value < 0 { appendUnchecked(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var probe = magnitude
        while probe >= 10 {
            probe /= 10
            digits &+= 1
        }
        var position = count &+ digits &- 1
        repeat {
            base[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            position &-= 1
        } while magnitude > 0
        count &+= digits
    }

    /// `value` in lower-case hex, zero-padded to `minimumDigits` (1...16), as ``HexDigits`` writes it.
    mutating func appendHex(_ value: UInt64, minimumDigits: Int) {
        append(atMost: max(16, minimumDigits)) { HexDigits.write(value, minimumDigits: minimumDigits, into: $0, at: 0) }
    }

    /// Lets `body` store up to `maxCount` bytes in place; it returns how many it stored.
    mutating func append(atMost maxCount: Int, _ body: (UnsafeMutableBufferPointer<UInt8>) -> Int) {
        reserve(maxCount)
        let written = body(UnsafeMutableBufferPointer(start: base + count, count: maxCount))
        precondition(written >= 0 && written <= maxCount, "wrote \(written) bytes into room for \(maxCount)")
        count &+= written
    }

    /// Calls `body` with the bytes written so far.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }
}
