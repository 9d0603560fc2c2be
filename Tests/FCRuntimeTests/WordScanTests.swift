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
        var generator = SplitMix64(seed: UInt64(bound))
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

    /// A word test and the byte test it stands in front of, with bytes it must find and bytes it must let through.
    private struct Rule: Sendable {
        let name: String
        let word: @Sendable (UInt64) -> Bool
        let byte: @Sendable (UInt8) -> Bool
        let specials: [UInt8]
        let allowed: [UInt8]
    }

    /// The JSON-quoting pair and the log-escaping pair. A tab is flagged by the log word test and let through by its
    /// byte test; bytes above 0x7F are parts of UTF-8 characters.
    private static let rules = [
        Rule(
            name: "JSON", word: { RecordJSON.mayNeedQuoting($0) }, byte: { RecordJSON.needsQuoting($0) },
            specials: [0x00, 0x0A, 0x1F, 0x22, 0x5C, 0x7F], allowed: [0x20, 0x7E, 0x80, 0xFF]),
        Rule(
            name: "log", word: { LineText.mayNeedEscaping($0) }, byte: { LineText.needsEscaping($0) },
            specials: [0x00, 0x0A, 0x0D, 0x1B, 0x1F, 0x7F], allowed: [0x09, 0x22, 0x5C, 0xC3, 0xFF]),
    ]

    /// `noneIsSpecial` over `bytes` starting `offset` bytes into a buffer, so that the word loads are unaligned too.
    private static func clean(_ bytes: [UInt8], offset: Int, _ rule: Rule) -> Bool {
        let padded = [UInt8](repeating: UInt8(ascii: "a"), count: offset) + bytes
        return padded.withUnsafeBufferPointer { buffer in
            WordScan.noneIsSpecial(UnsafeBufferPointer(rebasing: buffer[offset...]), wordMayHoldSpecial: rule.word, special: rule.byte)
        }
    }

    @Test func aScanFindsASpecialByteInEveryPositionOfEveryLengthAtEveryAlignment() {
        for rule in Self.rules {
            for offset in 0..<8 {
                for length in 0..<40 {
                    let plain = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    #expect(Self.clean(plain, offset: offset, rule), "\(rule.name): plain text of \(length) at offset \(offset)")
                    for position in 0..<length {
                        for special in rule.specials {
                            var bytes = plain
                            bytes[position] = special
                            #expect(!Self.clean(bytes, offset: offset, rule), "\(rule.name): \(special) at \(position) of \(length), offset \(offset)")
                        }
                        // Bytes the rule lets through stay clean even where the word test flags them (a tab in a
                        // log line) or where they are not ASCII.
                        for allowed in rule.allowed {
                            var bytes = plain
                            bytes[position] = allowed
                            #expect(Self.clean(bytes, offset: offset, rule), "\(rule.name): \(allowed) at \(position) of \(length)")
                        }
                    }
                }
            }
        }
    }
}

/// A small seeded generator (SplitMix64), so that a failing random word can be reproduced.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
