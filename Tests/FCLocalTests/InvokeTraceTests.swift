import Foundation
import Testing

/// `fc-local invoke --trace`: fc-local plays the platform's tracing part (span context, baggage, collector on
/// loopback), then prints the trace tree with its own and the function's spans.
@Suite struct InvokeTraceTests {
    private let conformance = ["invoke", "--product", "conformance-function", "--no-build"]

    @Test func theTreeNestsThePlatformRuntimeAndCustomSpans() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("trace-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try await FCLocalRun.run(
            conformance + ["--handler", "span", "--event", "\"x\"", "--initializer", "--trace-output", output.path])
        #expect(run.status == 0)
        #expect(run.stdout == "ok")

        // The tree: names indented under their parents, with duration, application and start time.
        let rows = run.stderr.split(separator: "\n").map(String.init).drop { !$0.hasPrefix("Span ") }.dropFirst()
        #expect(rows.count >= 7)
        let indented = rows.prefix(7).map { row in String(row.prefix { $0 == " " }.count / 2) + ":" + row.split(separator: " ").first! }
        // Siblings are in start order; RuntimeInitialization starts at the kernel's process start time, which has
        // clock-tick (10 ms) resolution, so it may sort before or after ColdStart.
        #expect(Set(indented) == [
            "0:InvokeFunction", "1:ColdStart", "2:PrepareCode", "1:RuntimeInitialization", "1:Initializer", "1:Invocation", "2:CustomSpan",
        ])
        #expect(indented.first == "0:InvokeFunction")
        #expect(indented.firstIndex(of: "2:PrepareCode") == indented.firstIndex(of: "1:ColdStart").map { $0 + 1 })
        #expect(indented.suffix(3) == ["1:Initializer", "1:Invocation", "2:CustomSpan"])
        #expect(rows.prefix(7).allSatisfy { $0.contains(" ms ") && $0.contains("FC:default/hello") })

        // The JSON file: Jaeger's /api/traces/{id} shape, one trace, CHILD_OF references that match the tree.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let trace = try #require((json["data"] as? [[String: Any]])?.first)
        let spans = try #require(trace["spans"] as? [[String: Any]])
        #expect(spans.count == 7)
        let traceID = try #require(trace["traceID"] as? String)
        #expect(traceID.count == 32)
        #expect(spans.allSatisfy { $0["traceID"] as? String == traceID && $0["processID"] as? String == "p1" })
        let byName = Dictionary(spans.map { ($0["operationName"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        func parent(_ name: String) -> String? {
            ((byName[name]?["references"] as? [[String: Any]])?.first?["spanID"] as? String)
        }
        let invokeID = byName["InvokeFunction"]?["spanID"] as? String
        #expect(parent("InvokeFunction") == nil)
        #expect(parent("Invocation") == invokeID && parent("Initializer") == invokeID && parent("RuntimeInitialization") == invokeID)
        #expect(parent("CustomSpan") == byName["Invocation"]?["spanID"] as? String)
        #expect(parent("PrepareCode") == byName["ColdStart"]?["spanID"] as? String)
        let custom = try #require(byName["CustomSpan"])
        #expect((custom["tags"] as? [[String: Any]])?.contains { $0["key"] as? String == "custom.attribute" && $0["value"] as? String == "conformance" } == true)
        #expect((custom["duration"] as? Int ?? 0) >= 2000)
        let processes = try #require(trace["processes"] as? [String: [String: Any]])
        #expect(processes["p1"]?["serviceName"] as? String == "FC:default/hello")
        // The collector's endpoint is the function's secret too: it never shows in the function's output.
        #expect(!run.stderr.contains("/api/traces"))
    }

    @Test func everyRepeatedInvocationGetsItsOwnTraceAndOnlyTheFirstAColdStart() async throws {
        let run = try await FCLocalRun.run(conformance + ["--handler", "echo", "--event", "1", "--repeat", "3", "--trace"])
        #expect(run.status == 0)
        let traces = run.stderr.matches(of: /Trace ([0-9a-f]{32}) \((\d+) spans\)/).map { String($0.output.1) }
        #expect(traces.count == 3 && Set(traces).count == 3)
        #expect(run.stderr.components(separatedBy: "\n  ColdStart").count - 1 == 1)
        #expect(run.stderr.components(separatedBy: "\nInvokeFunction").count - 1 == 3)
        #expect(run.stderr.components(separatedBy: "\n  Invocation").count - 1 == 3)
    }
}
