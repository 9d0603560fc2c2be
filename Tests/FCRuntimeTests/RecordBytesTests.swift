import Foundation
import Testing

@testable import FCRuntime

/// The hot-path forms of the records and lines: the cached, in-place record must be byte for byte the record, and the
/// fast paths (values with nothing to escape) must agree with the escaping paths.
@Suite struct RecordBytesTests {
    static let record = MonitoringRecordTests.insights

    @Test func theCachedRecordIsTheRecordAfterTheLineBeforeIt() {
        let cache = InsightsLineCache()
        var writer = ByteWriter(copying: Array("FC Invoke End RequestId: req-1\n".utf8), extraCapacity: 8)
        Self.record.appendLine(to: &writer, cache: cache)
        #expect(writer.finish() == Array("FC Invoke End RequestId: req-1\n".utf8) + Self.record.lineBytes)
        // The second record reuses the cached parts and is still exact.
        var second = Self.record
        second.requestID = "req-2"
        second.durationMs = 1.5
        var again = ByteWriter(capacity: 8)
        second.appendLine(to: &again, cache: cache)
        #expect(again.finish() == second.lineBytes)
    }

    @Test func theCacheFollowsAChangeOfFunctionOrKind() throws {
        let cache = InsightsLineCache()
        var first = ByteWriter(capacity: 8)
        Self.record.appendLine(to: &first, cache: cache)
        var other = Self.record
        other.functionName = "other\"fn"
        other.invocationType = "http"
        var writer = ByteWriter(capacity: 8)
        other.appendLine(to: &writer, cache: cache)
        let bytes = writer.finish()
        #expect(bytes == other.lineBytes)
        let text = try #require(String(bytes: bytes, encoding: .utf8))
        #expect(text.hasPrefix(#"FCInsights:svc/other"fn {"serviceName":"svc","functionName":"other\"fn","#))
        // The JSON after the topic is valid and carries the new values (an independent decoder reads it).
        let json = try #require(text.split(separator: " ", maxSplits: 1).last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["functionName"] as? String == "other\"fn")
        #expect(object["invocationType"] as? String == "http")
        #expect(object["requestId"] as? String == "req-1")
    }

    @Test(arguments: [(1e300, "92233720368547758.07"), (-0.001, "0.00"), (-0.005, "-0.01"), (.infinity, "0.00"), (0.1, "0.10")])
    func extremeFiguresStillHaveTwoDecimalsAndNeverTrap(value: Double, text: String) {
        #expect(RecordJSON.twoDecimals(value) == text)
    }

    @Test(arguments: ["plain-id", "tab\there", "", "ünïcödé"])
    func textWithoutControlCharactersIsCopiedAsItIs(text: String) {
        #expect(Array(LineText.escaped(text).utf8) == Array(text.utf8))
        var writer = ByteWriter(capacity: 1)
        RecordJSON.appendQuoted(text, to: &writer)
        let quoted = writer.finish()
        let decoded = try? JSONSerialization.jsonObject(with: Data(quoted), options: .fragmentsAllowed) as? String
        #expect(decoded == text)
    }

    @Test func controlCharactersAreStillEscapedAfterTheFastPathDeclines() {
        #expect(LineText.escaped("a\nb\u{7F}c") == #"a\nb\u{7F}c"#)
    }
}

@Suite struct PlatformHeaderNameTests {
    @Test func everyKeyIsFoundByItsNameAndNothingElseIs() {
        for key in PlatformHeaders.Key.allCases {
            #expect(PlatformHeaders.key(named: key.headerName.canonicalName) == key)
        }
        // Same lengths as real names, one byte off; a name longer than any.
        #expect(PlatformHeaders.key(named: "x-fc-request-ie") == nil)
        #expect(PlatformHeaders.key(named: "x-fc-regioN") == nil)
        #expect(PlatformHeaders.key(named: String(repeating: "x", count: 200)) == nil)
        #expect(PlatformHeaders.key(named: "") == nil)
    }

    @Test(arguments: [("x-fc-request-id", true), ("x-fc-", true), ("x-fc", false), ("x-fd-a", false), ("", false), ("y-fc-a", false)])
    func platformHeadersAreThoseStartingWithXFC(name: String, expected: Bool) {
        #expect(PlatformHeaders.isPlatformHeader(name) == expected)
    }
}
