import Testing

@testable import FCRuntime

/// The word-at-a-time tests under log-line escaping and JSON quoting agree with the obvious byte-by-byte tests, for
/// every byte value in every position and for random words, and a scan finds a special byte wherever it sits.
@Suite struct WordScanTests {
    /// The 8 bytes of `word`, lowest address first.
    private static func bytes(_ word: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) }
    }

    private static func word(_ bytes: [UInt8]) -> UInt64 {
        bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    @Test(arguments: [UInt8(1), 0x20, 0x21, 0x80])
    func belowAgreesWithTheByteTest(bound: UInt8) {
        for filler: UInt8 in [0x61, 0xFF, 0x80, bound] {
            for position in 0..<8 {
                for value in 0...255 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = UInt8(value)
                    let expected = bytes.contains { $0 < bound }
                    #expect(WordScan.anyByte(of: Self.word(bytes), below: bound) == expected, "\(bytes) below \(bound)")
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let word = generator.next() as UInt64
            #expect(WordScan.anyByte(of: word, below: bound) == Self.bytes(word).contains { $0 < bound })
        }
    }

    @Test(arguments: [UInt8(0), 0x22, 0x5C, 0x7F, 0xFF])
    func equalToAgreesWithTheByteTest(value: UInt8) {
        for filler: UInt8 in [0x61, 0xFF, 0x00, value &+ 1, value &- 1] {
            for position in 0..<8 {
                for candidate in 0...255 {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = UInt8(candidate)
                    #expect(WordScan.anyByte(of: Self.word(bytes), equalTo: value) == bytes.contains(value), "\(bytes) = \(value)")
                }
            }
        }
    }

    @Test func aScanFindsASpecialByteInEveryPositionOfEveryLength() {
        for length in 0..<40 {
            let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(plain.withUnsafeBufferPointer { WordScan.noneIsSpecial($0, wordMayHoldSpecial: RecordJSON.mayNeedQuoting, special: RecordJSON.needsQuoting) })
            for position in 0..<length {
                for special: UInt8 in [0x0A, 0x22, 0x5C, 0x7F, 0x00] {
                    var bytes = plain
                    bytes[position] = special
                    let clean = bytes.withUnsafeBufferPointer {
                        WordScan.noneIsSpecial($0, wordMayHoldSpecial: RecordJSON.mayNeedQuoting, special: RecordJSON.needsQuoting)
                    }
                    #expect(!clean, "\(special) at \(position) of \(length)")
                }
                // A tab may be flagged by the word test, but the byte test lets it through a log line.
                var tabbed = plain
                tabbed[position] = 0x09
                #expect(tabbed.withUnsafeBufferPointer { WordScan.noneIsSpecial($0, wordMayHoldSpecial: LineText.mayNeedEscaping, special: LineText.needsEscaping) })
            }
        }
    }
}
