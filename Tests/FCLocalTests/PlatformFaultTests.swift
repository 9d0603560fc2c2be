import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

@testable import fc_local

/// Faults around the platform's own edges: stopping with work in flight, settings changing under a busy instance,
/// high instance concurrency, the async queue behind a busy function, and retried async invocations.
@Suite(.serialized)
struct PlatformFaultTests {
    @Test func sigtermLetsInFlightInvocationsFinishAndRecordsThem() async throws {
        let config = """
            functions:
              - {service: demo, name: slow, product: conformance-function, handler: sleep, instanceConcurrency: 2}
              - {service: demo, name: queued, product: conformance-function, handler: sleep}
            """
        let platform = try await RunningPlatform.start(config: RunningPlatform.configFile(config))
        _ = try await platform.invoke(service: "demo", function: "slow", event: #"{"ms": 1}"#)
        let asyncAnswer = try await platform.invoke(
            service: "demo", function: "queued", event: #"{"ms": 1200}"#, headers: [("x-fc-invocation-type", "Async")])
        let asyncID = try #require(asyncAnswer.header("x-fc-request-id"))
        async let inFlight = platform.invoke(service: "demo", function: "slow", event: #"{"ms": 1200}"#)
        try await Task.sleep(for: .milliseconds(400))
        kill(platform.run.process.processIdentifier, SIGTERM)
        let answer = try await inFlight
        #expect(answer.status == 200)
        #expect(answer.json["slept"] as? Int == 1200)
        #expect(try await platform.stop() == 0)

        let store = try PlatformStore(directory: platform.stateDirectory)
        let records = try await store.invocations(startedIn: 0...Int64.max)
        #expect(records.contains { $0.requestID == answer.header("x-fc-request-id") && $0.outcome == .success })
        #expect(try await store.asyncInvocation(requestID: asyncID)?.state == .succeeded)
        #expect(!platform.run.stderr.text.contains("could not store"))
    }

    @Test func stoppingWhileAnInstanceStartsLeavesNoProcess() async throws {
        let marker = "fc-local-start-marker-\(UUID().uuidString.prefix(8))"
        let binary = FCLocalRun.productsDirectory.appendingPathComponent("conformance-function").path
        let config = """
            functions:
              - {service: demo, name: late, command: "sh -c 'sleep 3; exec \(binary)' \(marker)"}
            """
        let platform = try await RunningPlatform.start(config: RunningPlatform.configFile(config))
        async let starting = platform.invoke(service: "demo", function: "late")
        try await waitUntil { FCLocalRun.processExists(matching: marker) }
        #expect(try await platform.stop() == 0)
        // The stop waited for the request in flight, which waited for its instance; then the instance was stopped.
        #expect(try await starting.status == 200)
        #expect(!FCLocalRun.processExists(matching: marker))
    }

    @Test func anInstanceStillStartingWhenFCLocalIsKilledIsStoppedByTheNextStart() async throws {
        let marker = "fc-local-kill-marker-\(UUID().uuidString.prefix(8))"
        let binary = FCLocalRun.productsDirectory.appendingPathComponent("conformance-function").path
        let yaml = "functions:\n  - {service: demo, name: late, command: \"sh -c 'sleep 30; exec \(binary)' \(marker)\"}"
        let stateDirectory = RunningPlatform.newStateDirectory()
        let first = try await RunningPlatform.start(config: RunningPlatform.configFile(yaml), stateDirectory: stateDirectory)
        async let starting = first.invoke(service: "demo", function: "late")
        try await waitUntil { FCLocalRun.processExists(matching: marker) }
        try await Task.sleep(for: .milliseconds(200))
        first.killHard()
        _ = try? await starting
        #expect(FCLocalRun.processExists(matching: marker))
        try await RunningPlatform.with(config: yaml, stateDirectory: stateDirectory) { _ in
            try await waitUntil { !FCLocalRun.processExists(matching: marker) }
        }
    }

    @Test func changingTracingLetsABusyInstanceFinishThenReplacesIt() async throws {
        let config = "functions:\n  - {service: demo, name: sleeper, product: conformance-function, handler: sleep}"
        try await RunningPlatform.with(config: config) { platform in
            _ = try await platform.invoke(service: "demo", function: "sleeper", event: #"{"ms": 1}"#)
            async let long = platform.invoke(service: "demo", function: "sleeper", event: #"{"ms": 1500}"#)
            try await Task.sleep(for: .milliseconds(300))
            let path = "/v2/\(platform.projectID)/fgs/functions/urn:fss:cn-hangzhou:\(platform.projectID):function:demo:sleeper:LATEST/tracing"
            let body = try JSONSerialization.data(withJSONObject: ["tracing_ak": "ak", "tracing_sk": "sk"])
            #expect(try await platform.request(.PUT, path, headers: [("X-Auth-Token", platform.authToken)], body: body).status == 200)
            let answer = try await long
            #expect(answer.status == 200)
            #expect(answer.json["slept"] as? Int == 1500)
            // The busy instance was retired after its invocation: the next one runs on a new instance.
            let next = try await platform.invoke(service: "demo", function: "sleeper", event: #"{"ms": 1}"#)
            let store = try PlatformStore(directory: platform.stateDirectory)
            let records = try await store.invocations(startedIn: 0...Int64.max)
            let instanceOf = { (answer: RunningPlatform.Answer) in records.first { $0.requestID == answer.header("x-fc-request-id") }?.instanceID }
            #expect(instanceOf(answer) != nil && instanceOf(next) != nil && instanceOf(answer) != instanceOf(next))
        }
    }

    @Test func manyConcurrentInvocationsOfOneInstanceAreNotQueuedIntoTimeouts() async throws {
        let config = "functions:\n  - {service: demo, name: wide, product: conformance-function, handler: sleep, instanceConcurrency: 20, maxInstances: 1, timeout: 4}"
        try await RunningPlatform.with(config: config) { platform in
            _ = try await platform.invoke(service: "demo", function: "wide", event: #"{"ms": 1}"#)
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let answer = try await platform.invoke(service: "demo", function: "wide", event: #"{"ms": 1500}"#)
                        return (answer.status, answer.header("x-fc-error-type"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 16)
            #expect(statuses.allSatisfy { $0.0 == 200 && $0.1 == nil }, "\(statuses)")
        }
    }

    @Test func asyncInvocationsWaitingBehindABusyFunctionAreNotCountedAsThrottles() async throws {
        let config = "functions:\n  - {service: demo, name: one, product: conformance-function, handler: sleep, maxInstances: 1}"
        try await RunningPlatform.with(config: config) { platform in
            _ = try await platform.invoke(service: "demo", function: "one", event: #"{"ms": 1}"#)
            async let busy = platform.invoke(service: "demo", function: "one", event: #"{"ms": 1500}"#)
            try await Task.sleep(for: .milliseconds(200))
            let queued = try await platform.invoke(service: "demo", function: "one", event: #"{"ms": 1}"#, headers: [("x-fc-invocation-type", "Async")])
            let requestID = try #require(queued.header("x-fc-request-id"))
            #expect(try await busy.status == 200)
            try await waitUntil {
                try await platform.request(.GET, "/2016-08-15/services/demo/functions/one/async-invocations/\(requestID)").json["status"] as? String == "succeeded"
            }
            let store = try PlatformStore(directory: platform.stateDirectory)
            let records = try await store.invocations(startedIn: 0...Int64.max)
            #expect(records.filter { $0.outcome == .throttled }.isEmpty)
            #expect(records.filter { $0.requestID == requestID }.count == 1)
        }
    }

    @Test func anAsyncInvocationWhoseInstanceCrashesIsTriedThreeTimes() async throws {
        let config = "functions:\n  - {service: demo, name: crashy, product: conformance-function, handler: crash}"
        try await RunningPlatform.with(config: config) { platform in
            let queued = try await platform.invoke(service: "demo", function: "crashy", event: "crash", headers: [("x-fc-invocation-type", "Async")])
            let requestID = try #require(queued.header("x-fc-request-id"))
            var result: [String: Any] = [:]
            try await waitUntil(limit: .seconds(30)) {
                result = try await platform.request(.GET, "/2016-08-15/services/demo/functions/crashy/async-invocations/\(requestID)").json
                return result["status"] as? String == "failed"
            }
            #expect(result["attempts"] as? Int == 3)
            #expect(result["errorType"] as? String == "InstanceExited")
            #expect(try await platform.invoke(service: "demo", function: "crashy", event: "fine").text == "fine")
        }
    }

    @Test func absurdQueryTimesAreRefusedAndThePlatformKeepsServing() async throws {
        let config = "functions:\n  - {service: demo, name: echo, product: conformance-function, handler: echo}"
        try await RunningPlatform.with(config: config) { platform in
            let dimensions = #"{"region":"cn-hangzhou"}"#.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let answer = try await platform.request(
                .GET, "/metrics/query?project=acs_fc&metric=RegionTotalInvocations&dimensions=\(dimensions)&endTime=9223372036854775807")
            #expect(answer.status == 400)
            #expect(try await platform.invoke(service: "demo", function: "echo", event: "alive").text == "alive")
        }
    }
}
