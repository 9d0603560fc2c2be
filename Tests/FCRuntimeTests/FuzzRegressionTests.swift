import HTTPTypes
import Testing

@testable import FCRuntime

/// Inputs the fuzz targets (`Fuzz/`, `scripts/fuzz.sh`) found mishandled, each kept as a unit test.
@Suite struct FuzzRegressionTests {
    /// fuzz-context: DEL in a function name reached the `FCInsights` line raw. JSON allows it, but the record's line
    /// must hold no control character, like every other line.
    @Test func recordsEscapeDEL() {
        var record = MonitoringRecordTests.insights
        record.functionName = "fn\u{7F}"
        let line = record.lineBytes
        #expect(!line.dropLast().contains { $0 < 0x20 || $0 == 0x7F })
        #expect(String(decoding: line, as: UTF8.self).contains(#""functionName":"fn\u007f""#))
    }

    /// fuzz-context: `x-fc-function-timeout: 0.0001` is more than 0, so it is accepted, but it rounded to a zero
    /// timeout and every invocation timed out at once. A positive timeout is now at least 1 ms.
    @Test func aTinyPositiveTimeoutIsNeverZero() throws {
        var fields = HTTPFields()
        fields[HTTPField.Name("x-fc-function-timeout")!] = "0.0001"
        fields[HTTPField.Name("x-fc-initialization-timeout")!] = "1e-9"
        let parser = ContextParser(configuration: RuntimeConfiguration(), output: CollectingLineOutput())
        let context = parser.context(from: fields, isColdStart: false)
        #expect(context.function.timeout == .milliseconds(1))
        #expect(context.function.initializationTimeout == .milliseconds(1))
        #expect(context.headerWarnings.isEmpty)
        #expect(try RuntimeConfiguration.fromEnvironment(["SWIFT_FC_DEFAULT_TIMEOUT": "0.0001"]).defaultTimeout == .milliseconds(1))
    }

    /// fuzz-log-records: the record cache compared its keys with `==`, which equates canonically equivalent names
    /// ("\u{C5}" and "A\u{30A}"), and wrote the first name's bytes into the second record.
    @Test func theRecordCacheComparesNamesByBytes() {
        let cache = InsightsLineCache()
        var first = MonitoringRecordTests.insights
        first.serviceName = "\u{C5}"
        var second = first
        second.serviceName = "A\u{30A}"
        for record in [first, second] {
            var writer = ByteWriter(capacity: 8)
            record.appendLine(to: &writer, cache: cache)
            #expect(writer.finish() == record.lineBytes)
        }
    }

    /// fuzz-context: a header value of one letter and 900 combining marks is a single Character, so the warning's
    /// "64 characters" excerpt quoted all 1.8 KB of it. Excerpts are now cut after 64 Unicode scalars.
    @Test func aWarningQuotesABoundedExcerptOfAnyValue() {
        var fields = HTTPFields()
        fields[HTTPField.Name("x-fc-function-memory")!] = "a" + String(repeating: "\u{300}", count: 900)
        let parser = ContextParser(configuration: RuntimeConfiguration(), output: CollectingLineOutput())
        let warnings = parser.context(from: fields, isColdStart: false).headerWarnings
        #expect(warnings.count == 1)
        #expect((warnings.first?.utf8.count ?? .max) < 300)
    }
}
