import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

/// Initializer, lifecycle hooks, shutdown and start-up errors of the real process.
@Suite struct LifecycleTests {
    @Test func concurrentInitializeCallsRunTheInitializerOnce() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
            for index in 0..<20 {
                group.addTask {
                    let reply = try await client.send(
                        path: "/initialize", headers: FCClient.platformHeaders(requestID: "init-\(index)", extra: ["x-fc-control-path": "/initialize"]))
                    return (reply.status, reply.fcStatus)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.count == 20 && statuses.allSatisfy { $0 == (200, "200") })
        let context = try await client.invoke("context")
        #expect(try context.json()["initializerRuns"] as? Int == 1)
        #expect(function.stdoutLines.filter { $0.hasPrefix("FC Initialize Start RequestId: init-") }.count == 1)
        #expect(function.stdoutLines.filter { $0.hasPrefix("FC Initialize End RequestId: init-") }.count == 1)
    }

    @Test func theInitializerRunsBeforeTheFirstInvocationWhenTheplatformDidNotCallIt() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let reply = try await FCClient(port: function.port).invoke("context", requestID: "first-call")
        #expect(try reply.json()["initializerRuns"] as? Int == 1)
        #expect(try reply.json()["isColdStart"] as? Bool == true)
        let framing = function.stdoutLines.filter { $0.hasPrefix("FC ") }
        #expect(framing == [
            "FC Initialize Start RequestId: first-call", "FC Initialize End RequestId: first-call",
            "FC Invoke Start RequestId: first-call", "FC Invoke End RequestId: first-call",
        ])
        let second = try await FCClient(port: function.port).invoke("context")
        #expect(try second.json()["isColdStart"] as? Bool == false)
        #expect(try second.json()["initializerRuns"] as? Int == 1)
    }

    @Test func aFailedInitializerAnswers404AndIsRetriedOnTheNextCall() async throws {
        let function = try await FunctionProcess(environment: ["CONFORMANCE_INITIALIZER_FAILURES": "1"])
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let first = try await client.send(path: "/initialize", headers: FCClient.platformHeaders(requestID: "i1"))
        #expect(first.status == 404)
        #expect(first.fcStatus == "404")
        #expect(try first.json()["errorType"] as? String == "FixtureError")
        #expect(function.stdoutLines.contains("FC Initialize End RequestId: i1, Error: Unhandled function error"))
        let second = try await client.send(path: "/initialize", headers: FCClient.platformHeaders(requestID: "i2"))
        #expect(second.status == 200)
        #expect(try await client.invoke("context").json()["initializerRuns"] as? Int == 2)
    }

    @Test func lifecycleHooksAnswer200AndLogTheirLines() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let freeze = try await client.send(.GET, path: "/pre-freeze", headers: ["x-fc-request-id": "pf-1"])
        #expect(freeze.status == 200)
        let stop = try await client.send(.POST, path: "/pre-stop", headers: ["x-fc-request-id": "ps-1"])
        #expect(stop.status == 200)
        let lines = function.stdoutLines
        let freezeStart = try #require(lines.firstIndex(of: "FC PreFreeze Start RequestId: pf-1"))
        #expect(lines[freezeStart + 1].hasSuffix(" pf-1 [INFO] pre-freeze hook ran"))
        #expect(lines[freezeStart + 2] == "FC PreFreeze End RequestId: pf-1")
        #expect(lines.contains("FC PreStop End RequestId: ps-1"))
    }

    @Test func sigtermLetsInFlightInvocationsFinishRunsPreStopAndExitsZero() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        async let slow = client.invoke("sleep", event: #"{"ms": 1500}"#, requestID: "in-flight")
        // Generous: the suite runs beside load-heavy hardening tests, and SIGTERM must come after the Start line.
        let started = try await function.waitForLine(timeout: .seconds(60)) { $0 == "FC Invoke Start RequestId: in-flight" }
        try #require(started != nil)
        function.signal(SIGTERM)
        let reply = try await slow
        #expect(reply.status == 200)
        #expect(reply.text == #"{"slept":1500}"#)
        #expect(try await function.waitForExit() == 0)
        let lines = function.stdoutLines
        #expect(lines.contains { $0.hasPrefix("FC PreStop Start RequestId: ") })
        #expect(lines.contains { $0.hasSuffix("[INFO] pre-stop hook ran") })
        let endIndex = try #require(lines.firstIndex(of: "FC Invoke End RequestId: in-flight"))
        let preStopIndex = try #require(lines.firstIndex { $0.hasPrefix("FC PreStop Start") })
        #expect(endIndex < preStopIndex)
    }

    @Test func anInvalidPortIsAClearStartupError() async throws {
        let function = try await FunctionProcess(environment: ["FC_SERVER_PORT": "ninety"], waitForReady: false)
        let status = try await function.waitForExit()
        #expect(status == 1)
        #expect(function.stderrText.contains(#"FC_SERVER_PORT="ninety" is invalid"#))
        #expect(!function.stdoutLines.contains("FunctionCompute swift runtime inited."))
    }

    @Test func aPortInUseIsAClearStartupError() async throws {
        let first = try await FunctionProcess()
        defer { first.kill() }
        let second = try await FunctionProcess(environment: ["FC_SERVER_PORT": "\(first.port)"], waitForReady: false)
        #expect(try await second.waitForExit() == 1)
        #expect(second.stderrText.contains("FunctionCompute swift runtime failed to start"))
        #expect(second.stderrText.lowercased().contains("address already in use"))
    }
}
