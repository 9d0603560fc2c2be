import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

@testable import fc_local

/// Async invocations (accepted with 202, run in order, results kept) and what survives a killed fc-local.
@Suite(.serialized)
struct PlatformAsyncAndDurabilityTests {
    static let config = """
        functions:
          - {service: demo, name: echo, product: conformance-function, handler: echo}
          - {service: demo, name: slow, product: conformance-function, handler: sleep}
        """

    @Test func asyncInvocationsRunInTheOrderAcceptedAndKeepTheirResults() async throws {
        try await RunningPlatform.with(config: Self.config) { platform in
            var requestIDs: [String] = []
            for index in 0..<6 {
                let answer = try await platform.invoke(service: "demo", function: "echo", event: "event-\(index)", headers: [("x-fc-invocation-type", "Async")])
                #expect(answer.status == 202)
                #expect(answer.body.isEmpty)
                requestIDs.append(try #require(answer.header("x-fc-request-id")))
            }
            var results: [[String: Any]] = []
            for requestID in requestIDs {
                var result: [String: Any] = [:]
                try await waitUntil("\(requestID) to finish") {
                    result = try await platform.request(.GET, "/2016-08-15/services/demo/functions/echo/async-invocations/\(requestID)").json
                    return result["status"] as? String == "succeeded"
                }
                results.append(result)
            }
            #expect(results.map { $0["response"] as? String } == (0..<6).map { "event-\($0)" })
            let finished = results.compactMap { $0["finishedAt"] as? Int }
            #expect(finished.count == 6 && finished == finished.sorted())

            let store = try PlatformStore(directory: platform.stateDirectory)
            let records = try await store.invocations(startedIn: 0...Int64.max, function: "echo")
            #expect(records.map(\.requestID) == requestIDs)
            #expect(records.allSatisfy { $0.trigger == "async" && $0.outcome == .success })

            let unknown = try await platform.request(.GET, "/2016-08-15/services/demo/functions/echo/async-invocations/nope")
            #expect(unknown.status == 404)
            #expect(unknown.json["ErrorCode"] as? String == "AsyncInvocationNotFound")
        }
    }

    @Test func afterKillNineARestartLosesNoRecordNorQueuedInvocationAndStopsLeftovers() async throws {
        let stateDirectory = RunningPlatform.newStateDirectory()
        let config = try RunningPlatform.configFile(Self.config)
        let first = try await RunningPlatform.start(config: config, stateDirectory: stateDirectory)
        let acknowledged = try await first.invoke(service: "demo", function: "echo", event: "sync before the crash")
        #expect(acknowledged.status == 200)
        var queued: [String] = []
        for _ in 0..<4 {
            let answer = try await first.invoke(service: "demo", function: "slow", event: #"{"ms": 400}"#, headers: [("x-fc-invocation-type", "Async")])
            #expect(answer.status == 202)
            queued.append(try #require(answer.header("x-fc-request-id")))
        }
        // Let the first async invocation start (its instance is running) and kill fc-local mid-queue.
        try await waitUntil { try rememberedPIDs(stateDirectory).count == 2 }
        let leftovers = try rememberedPIDs(stateDirectory)
        first.killHard()
        #expect(leftovers.allSatisfy(isAlive))

        try await RunningPlatform.with(config: Self.config, stateDirectory: stateDirectory) { second in
            try await waitUntil { leftovers.allSatisfy { !isAlive($0) } }
            #expect(second.run.stderr.text.contains("left running by an earlier fc-local"))
            for requestID in queued {
                try await waitUntil("\(requestID) to finish after the restart") {
                    let result = try await second.request(.GET, "/2016-08-15/services/demo/functions/slow/async-invocations/\(requestID)").json
                    return result["status"] as? String == "succeeded"
                }
            }
            let store = try PlatformStore(directory: stateDirectory)
            let records = try await store.invocations(startedIn: 0...Int64.max)
            #expect(records.contains { $0.requestID == acknowledged.header("x-fc-request-id") && $0.outcome == .success })
            // Each queued invocation finished at least once (one interrupted mid-run runs again).
            #expect(Set(records.filter { $0.trigger == "async" && $0.outcome == .success }.map(\.requestID)) == Set(queued))
        }
    }
}
