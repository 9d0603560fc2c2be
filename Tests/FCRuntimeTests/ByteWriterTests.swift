import Testing

@testable import FCRuntime

/// The raw byte buffer under the log lines, records and Thrift encoder: growth keeps what was written, and each
/// primitive writes the bytes the slow, obvious way would.
@Suite struct ByteWriterTests {
    @Test func growingKeepsEveryByteInOrder() {
        var writer = ByteWriter(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<300 {
            let byte = UInt8(truncatingIfNeeded: round)
            writer.append(byte)
            expected.append(byte)
            let chunk = [UInt8](repeating: byte, count: round % 37)
            writer.append(chunk)
            expected += chunk
        }
        #expect(writer.count == expected.count)
        #expect(writer.finish() == expected)
    }

    @Test func aCopyingWriterStartsWithTheBytesAndAppendsAfterThem() {
        var writer = ByteWriter(copying: Array("head".utf8), extraCapacity: 0)
        writer.append(utf8: "-tail")
        writer.append(" and more" as StaticString)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == "head-tail and more")
    }

    @Test(arguments: [Int64.min, -1_000, -1, 0, 1, 9, 10, 99, 100, 1_795_341_600_123, Int64.max])
    func decimalsAreTheTextOfTheNumber(value: Int64) {
        var writer = ByteWriter(capacity: 1)
        writer.appendDecimal(value)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == String(value))
    }

    @Test(arguments: [(UInt64(0), 1), (0, 16), (0xABC, 1), (0xABC, 16), (UInt64.max, 1), (0x1F, 2)])
    func hexIsLowerCaseAndPadded(value: UInt64, minimumDigits: Int) {
        var writer = ByteWriter(capacity: 1)
        writer.appendHex(value, minimumDigits: minimumDigits)
        let text = String(value, radix: 16)
        #expect(String(decoding: writer.finish(), as: UTF8.self) == String(repeating: "0", count: max(0, minimumDigits - text.count)) + text)
    }

    @Test func integersAreBigEndian() {
        var writer = ByteWriter(capacity: 1)
        writer.appendBigEndian(UInt32(0x0102_0304))
        writer.appendBigEndian(UInt64(0x0506_0708_090A_0B0C))
        #expect(writer.finish() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    }

    @Test func nonNativeStringsAreCopiedToo() {
        // A bridged or lazily decoded string may have no contiguous UTF-8; Substring-built ones exercise the slow path.
        let text = String("xx-ünïcödé-yy".dropFirst(3).dropLast(3))
        var writer = ByteWriter(capacity: 1)
        writer.append(utf8: text)
        #expect(writer.finish() == Array(text.utf8))
    }
}
