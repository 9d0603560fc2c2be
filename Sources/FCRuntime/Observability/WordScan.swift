/// Eight bytes at a time (SWAR): whether a 64-bit word holds a byte below a bound or equal to a value, and a scan
/// built on it. Checked byte by byte, the values on every invocation's lines and record (request ids, names) cost
/// about twice as much: 1,400 instructions per invocation against 750.
enum WordScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `word` is below `bound` (at most 128). Exact: a borrow can only start at such a byte.
    @inline(__always)
    static func anyByte(of word: UInt64, below bound: UInt8) -> Bool {
        assert(bound <= 128, "exact only for bounds up to 128")
        return (word &- ones &* UInt64(bound)) & ~word & highBits != 0
    }

    /// Whether any byte of `word` equals `value`.
    @inline(__always)
    static func anyByte(of word: UInt64, equalTo value: UInt8) -> Bool {
        anyByte(of: word ^ (ones &* UInt64(value)), below: 1)
    }

    /// Whether no byte of `bytes` is `special`. Words for which `wordMayHoldSpecial` is false are passed whole;
    /// the bytes of the others, and of the tail, are asked one by one (so the word test may be coarser than the
    /// byte test, never finer).
    @inline(__always)
    static func noneIsSpecial(
        _ bytes: UnsafeBufferPointer<UInt8>, wordMayHoldSpecial: (UInt64) -> Bool, special: (UInt8) -> Bool
    ) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset &+ 8 <= bytes.count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            if wordMayHoldSpecial(word) {
                for index in offset..<(offset &+ 8) where special(bytes[index]) { return false }
            }
            offset &+= 8
        }
        for index in offset..<bytes.count where special(bytes[index]) { return false }
        return true
    }
}
