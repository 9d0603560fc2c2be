import Foundation
import GRDB
import NIOHTTP1
import ProcessTestSupport
import Testing

@testable import fc_local

/// How `fc-local start` manages instances: reuse, instance concurrency, throttling, crash replacement, lifecycle
/// hooks, idle stop and shutdown — observed over HTTP, in the state database and in `/proc`.
@Suite(.serialized)
struct PlatformInstanceTests {
    @Test func beyondMaxInstancesTimesConcurrencyRequestsAreThrottled() async throws {
        let config = """
            functions:
              - {service: demo, name: single, product: conformance-function, handler: sleep, maxInstances: 1}
              - {service: demo, name: shared, product: conformance-function, handler: sleep, maxInstances: 1, instanceConcurrency: 2}
            """
        try await RunningPlatform.with(config: config) { platform in
            // Warm both up so that the concurrent calls below race for a running instance, not a start.
            _ = try await platform.invoke(service: "demo", function: "single", event: #"{"ms": 1}"#)
            _ = try await platform.invoke(service: "demo", function: "shared", event: #"{"ms": 1}"#)

            // The second call goes once the first is running (its Start line, the third, is relayed to fc-local's
            // stderr): a fixed 300 ms wait lost that race once while the test run was starting dozens of processes.
            async let first = platform.invoke(service: "demo", function: "single", event: #"{"ms": 5000}"#)
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while platform.run.stderr.text.components(separatedBy: "FC Invoke Start RequestId:").count - 1 < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let second = try await platform.invoke(service: "demo", function: "single", event: #"{"ms": 1}"#)
            #expect(second.status == 429)
            #expect(second.json["ErrorCode"] as? String == "ResourceThrottled")
            #expect(second.header("x-fc-request-id") != nil)
            #expect(try await first.status == 200)

            // Two at once fit one instance of concurrency 2.
            async let a = platform.invoke(service: "demo", function: "shared", event: #"{"ms": 800}"#)
            async let b = platform.invoke(service: "demo", function: "shared", event: #"{"ms": 800}"#)
            let (answerA, answerB) = try await (a, b)
            #expect(answerA.status == 200 && answerB.status == 200)

            let store = try PlatformStore(directory: platform.stateDirectory)
            let records = try await store.invocations(startedIn: 0...Int64.max, service: "demo")
            #expect(records.filter { $0.outcome == .throttled }.count == 1)
            #expect(Set(records.filter { $0.function == "shared" }.compactMap(\.instanceID)).count == 1)
            #expect(records.filter { $0.function == "shared" }.map(\.concurrency).max() == 2)
        }
    }

    @Test func aCrashedInstanceAnswers502AndIsReplaced() async throws {
        let config = "functions:\n  - {service: demo, name: crashy, product: conformance-function, handler: crash}"
        try await RunningPlatform.with(config: config) { platform in
            #expect(try await platform.invoke(service: "demo", function: "crashy", event: "before").text == "before")
            let crashed = try await platform.invoke(service: "demo", function: "crashy", event: "crash")
            #expect(crashed.status == 502)
            #expect(crashed.json["ErrorCode"] as? String == "InstanceExited")
            #expect((crashed.json["ErrorMessage"] as? String ?? "").contains("exited"))
            let after = try await platform.invoke(service: "demo", function: "crashy", event: "after")
            #expect(after.status == 200)
            #expect(after.text == "after")

            let store = try PlatformStore(directory: platform.stateDirectory)
            let records = try await store.invocations(startedIn: 0...Int64.max)
            #expect(records.map(\.outcome) == [.success, .serverError, .success])
            #expect(records[0].instanceID != records[2].instanceID)
            #expect(records[2].isColdStart)
        }
    }

    @Test func idleInstancesGetPreFreezeThenPreStopAndAreStopped() async throws {
        let config = """
            functions:
              - service: demo
                name: hooks
                product: conformance-function
                handler: context
                idleTimeout: 1
                instanceLifecycleConfig: {preFreeze: {handler: index.preFreeze}, preStop: {handler: index.preStop}}
            """
        try await RunningPlatform.with(config: config) { platform in
            let first = try await platform.invoke(service: "demo", function: "hooks").json
            let pids = try rememberedPIDs(platform.stateDirectory)
            #expect(pids.count == 1)
            try await waitFor("pre-freeze hook ran", in: platform)
            try await waitFor("pre-stop hook ran", in: platform)
            try await waitFor("idle for 1 s: stopping it", in: platform)
            try await waitUntil { pids.allSatisfy { !isAlive($0) } }
            // The next invocation is a cold start on a new instance.
            let next = try await platform.invoke(service: "demo", function: "hooks").json
            #expect(next["isColdStart"] as? Bool == true)
            #expect(next["instanceId"] as? String != first["instanceId"] as? String)
        }
    }

    @Test func sigtermStopsEveryInstanceGracefullyAndExitsZero() async throws {
        let config = "functions:\n  - {service: demo, name: echo, product: conformance-function, handler: echo}"
        let platform = try await RunningPlatform.start(config: RunningPlatform.configFile(config))
        _ = try await platform.invoke(service: "demo", function: "echo", event: "x")
        let pids = try rememberedPIDs(platform.stateDirectory)
        #expect(pids.count == 1)
        #expect(try await platform.stop() == 0)
        #expect(pids.allSatisfy { !isAlive($0) })
        // The runtime ran its pre-stop on SIGTERM (no hook is configured, so FC's call did not happen).
        #expect(platform.run.stderr.text.contains("pre-stop hook ran"))
        #expect(platform.run.stderr.text.contains("fc-local: stopped"))
    }
}

/// The instance pids the platform recorded in its state database.
func rememberedPIDs(_ stateDirectory: String) throws -> [Int32] {
    let store = try PlatformStore(directory: stateDirectory)
    return try store.database.read { db in try Int32.fetchAll(db, sql: "SELECT pid FROM instanceProcess") }
}

/// Whether a process runs (a zombie or a missing process does not).
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(after: close)...].split(separator: " ").first
    return state != "Z" && state != "X"
}

/// Waits (up to `limit`) until the platform's stderr contains `text`.
func waitFor(_ text: String, in platform: RunningPlatform, limit: Duration = .seconds(20)) async throws {
    try await waitUntil(limit: limit, "stderr to contain '\(text)'") { platform.run.stderr.text.contains(text) }
}

/// Polls `condition` every 50 ms, failing the test after `limit`.
func waitUntil(limit: Duration = .seconds(20), _ what: String = "the condition", _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for \(what)")
    throw CancellationError()
}
