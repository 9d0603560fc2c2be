import Foundation
import Testing

/// `fc-local traces`: the newest traces of a state directory, printed as trees while `fc-local start` runs.
@Suite struct TracesCommandTests {
    @Test func printsTheKeptTracesAsTreesNewestLast() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        try await platform.configure(accessKey: "AK", secretKey: "SK")
        try await platform.configure(function: "other", accessKey: "AK", secretKey: "SK")
        let start = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let echo = (0..<3).map { TraceBatches.otlp(application: "FC:demo/echo", startMicroseconds: start + Int64($0) * 1000) }
        let other = TraceBatches.otlp(application: "FC:demo/other", startMicroseconds: start + 10_000)
        for batch in echo + [other] {
            #expect(try await platform.postOTLP(batch.body, user: "AK", password: "SK").status == 202)
        }
        let stateDir = platform.platform.stateDirectory

        let all = try await FCLocalRun.run(["traces", "--state-dir", stateDir])
        #expect(all.status == 0, "\(all.stderr)")
        let printed = all.stdout.matches(of: /Trace ([0-9a-f]{32}) \((\d+) spans\)/).map { String($0.output.1) }
        #expect(printed == (echo + [other]).map(\.traceID))
        let rows = all.stdout.split(separator: "\n").map(String.init)
        #expect(rows.contains { $0.hasPrefix("Invocation ") && $0.contains(" ms ") && $0.contains("FC:demo/echo") })
        #expect(rows.contains { $0.hasPrefix("  CustomSpan ") && $0.contains("2.00 ms") })

        let last = try await FCLocalRun.run(["traces", "--state-dir", stateDir, "--function", "echo", "--last", "2"])
        #expect(last.stdout.matches(of: /Trace ([0-9a-f]{32})/).map { String($0.output.1) } == [echo[1].traceID, echo[2].traceID])
        let byService = try await FCLocalRun.run(["traces", "--state-dir", stateDir, "--function", "demo/other"])
        #expect(byService.stdout.matches(of: /Trace ([0-9a-f]{32})/).map { String($0.output.1) } == [other.traceID])
        #expect(try await FCLocalRun.run(["traces", "--state-dir", stateDir, "--service", "demo", "--last", "10"]).stdout.components(separatedBy: "\nTrace ").count == 4)

        let none = try await FCLocalRun.run(["traces", "--state-dir", stateDir, "--service", "nosuch"])
        #expect(none.status == 0 && none.stdout.isEmpty)
        #expect(none.stderr.contains("no traces of FC:nosuch/* kept"))

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("traces-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let written = try await FCLocalRun.run(["traces", "--state-dir", stateDir, "--function", "echo", "--last", "1", "--output", output.path])
        #expect(written.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
        let traces = try #require(json["data"] as? [[String: Any]])
        #expect(traces.map { $0["traceID"] as? String } == [echo[2].traceID])
        #expect((traces.first?["spans"] as? [Any])?.count == 2)
    }

    @Test func refusesMissingStateAndBadOptions() async throws {
        let missing = RunningPlatform.newStateDirectory()
        let run = try await FCLocalRun.run(["traces", "--state-dir", missing])
        #expect(run.status == 2)
        #expect(run.stderr.contains("no fc-local state in \(missing)"))
        #expect(!FileManager.default.fileExists(atPath: missing))
        for options in [["--last", "0"], ["--function", "a/b/c"], ["--service", "a", "--function", "b/c"], ["--function", ""]] {
            let refused = try await FCLocalRun.run(["traces", "--state-dir", missing] + options)
            #expect(refused.status != 0, "\(options)")
            #expect(!refused.stderr.isEmpty)
        }
    }
}
