import Logging
import Testing

@testable import FCRuntime

/// Problems the sanitizer runs (`scripts/sanitizers.sh`) reported in this project's code, each kept as a unit test.
@Suite struct SanitizerRegressionTests {
    /// LeakSanitizer: the span exporter's background task held the exporter strongly, so an exporter (with its
    /// pre-allocated queue, ~100 KB) outlived its engine for good; every process exit reported the cycle.
    @Test func aSpanExporterIsFreedWithItsOwner() async throws {
        weak var released: SpanExporter?
        do {
            let logger = Logger(label: "t") { _ in FCLogHandler(requestID: "-", output: CollectingLineOutput(), logLevel: .info) }
            let exporter = SpanExporter(configuration: TracingConfiguration(), processTags: [], warnings: ExportWarnings(logger: logger))
            released = exporter
            exporter.kick()
            #expect(await exporter.flush(timeout: .seconds(5)))
        }
        // The export task holds it only while it drains, which ends within a few milliseconds.
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while released != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(released == nil)
    }
}
