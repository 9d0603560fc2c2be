/// Reads typed values from a fuzzer's input, front to back. Once the bytes run out every read returns zero, `false`
/// or an empty value, so a harness never has to check how much is left.
public struct FuzzInput {
    private let bytes: [UInt8]
    private var offset = 0

    /// Wraps the bytes libFuzzer passes to `LLVMFuzzerTestOneInput`.
    public init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Wraps bytes (for replaying an input outside libFuzzer).
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= bytes.count }

    /// The next byte, 0 past the end.
    public mutating func byte() -> UInt8 {
        guard offset < bytes.count else { return 0 }
        defer { offset += 1 }
        return bytes[offset]
    }

    /// A flag from the lowest bit of the next byte.
    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// A number in `0..<count` (`count` at most 65536), from one byte, or two when `count` exceeds 256.
    public mutating func int(below count: Int) -> Int {
        precondition(count > 0 && count <= 65536)
        let raw = count > 256 ? Int(byte()) << 8 | Int(byte()) : Int(byte())
        return raw % count
    }

    /// One of `choices`.
    public mutating func pick<T>(_ choices: [T]) -> T { choices[int(below: choices.count)] }

    /// Eight bytes, big-endian.
    public mutating func uint64() -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(byte()) }
        return value
    }

    /// A signed 64-bit integer (the bit pattern of ``uint64()``).
    public mutating func int64() -> Int64 { Int64(bitPattern: uint64()) }

    /// Any double, NaNs and infinities included: a special value or a raw bit pattern, chosen by the first byte.
    public mutating func double() -> Double {
        let specials: [Double] = [
            0, -0.0, 1, -1, 0.5, 0.005, 0.015, 99.995, .nan, .infinity, -.infinity, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude, 9.2e16, 1e15, 4e18, 1e300,
        ]
        let mode = byte()
        if mode < 0x40 { return specials[Int(mode) % specials.count] }
        if mode < 0x80 { return Double(Int32(truncatingIfNeeded: uint64())) / 100 }
        return Double(bitPattern: uint64())
    }

    /// Up to `maxCount` bytes: a one-byte length (255 means a longer, two-byte length follows), then the bytes.
    public mutating func bytes(maxCount: Int = 4096) -> [UInt8] {
        var count = Int(byte())
        if count == 255 { count = Int(byte()) << 8 | Int(byte()) }
        count = min(count, maxCount, bytes.count - min(offset, bytes.count))
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Text from ``bytes(maxCount:)``; invalid UTF-8 becomes U+FFFD, as it does when a Swift string is made from bytes.
    public mutating func string(maxCount: Int = 4096) -> String {
        String(decoding: bytes(maxCount: maxCount), as: UTF8.self)
    }

    /// Every byte not read yet.
    public mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return offset < bytes.count ? Array(bytes[offset...]) : []
    }
}
