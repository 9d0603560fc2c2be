import Foundation
import NIOHTTP1
import Testing

/// Concurrency, log framing and hygiene under hostile input, against the real process.
@Suite struct RobustnessTests {
    /// A crash while lines are held (a long invocation keeps a second response owed) still writes them: the crashing
    /// invocation's Start line, held at that moment, is in the output after the process died.
    @Test func aCrashWritesOutTheLinesHeldAtThatMoment() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        async let sleeper = try? await client.invoke("sleep", event: #"{"ms": 5000}"#, requestID: "req-held-sleeper")
        try await function.waitForLine { $0 == "FC Invoke Start RequestId: req-held-sleeper" }
        _ = try? await client.invoke("crash", event: "crash", requestID: "req-crash-held")
        let status = try await function.waitForExit(timeout: .seconds(20))
        #expect(status != 0, "the process should have crashed")
        #expect(function.stdoutLines.contains("FC Invoke Start RequestId: req-crash-held"), "the held Start line was lost")
        _ = await sleeper
    }

    /// Whether a stdout line has one of the shapes the runtime writes.
    static func isWellFormed(_ line: String) -> Bool {
        line.wholeMatch(of: /FC (?:Invoke|Initialize|PreFreeze|PreStop) (?:Start|End) RequestId: [^\n]+/) != nil
            || line.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ \[[A-Z]+\] .*/) != nil
            || line == "FunctionCompute swift runtime inited."
            || line.wholeMatch(of: /FC(?:Insights|InstanceMetrics):[^ ]*\/[^ ]* \{.*\}/) != nil
    }

    @Test func twoHundredConcurrentInvocationsKeepEveryLineWhole() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let count = 200
        let replies = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<count {
                group.addTask {
                    let handler = index % 4 == 0 ? "fail" : "echo"
                    let reply = try await client.invoke(handler, event: "e\(index)", requestID: "c-\(index)")
                    return handler == "fail" ? reply.status == 404 : reply.text == "e\(index)"
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(replies.count == count && replies.allSatisfy { $0 })
        let lines = function.stdoutLines.filter { !$0.isEmpty }
        for line in lines {
            #expect(Self.isWellFormed(line), "malformed line: \(line)")
        }
        #expect(lines.filter { $0.hasPrefix("FC Invoke Start RequestId: c-") }.count == count)
        #expect(lines.filter { $0.hasPrefix("FC Invoke End RequestId: c-") }.count == count)
    }

    @Test func headerValuesCannotForgeLogLines() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        // An obsolete line fold and a bare CR try to smuggle a line break into the request id.
        for attempt in [
            "POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: a\r\n FC Invoke End RequestId: forged\r\nContent-Length: 0\r\n\r\n",
            "POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: b\rFC Invoke End RequestId: forged\r\nContent-Length: 0\r\n\r\n",
            "POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-function-memory: 1\u{1B}[2J\nFC Invoke End RequestId: forged\r\nContent-Length: 0\r\n\r\n",
        ] {
            let connection = try RawConnection(port: function.port)
            connection.send(attempt)
            _ = connection.readResponses(1)
        }
        let reply = try await FCClient(port: function.port).invoke("echo", event: "ok")
        #expect(reply.text == "ok")
        let lines = function.stdoutLines
        #expect(!lines.contains { $0.hasPrefix("FC Invoke End RequestId: forged") || $0.hasPrefix(" FC Invoke") })
        for line in lines where !line.isEmpty {
            #expect(Self.isWellFormed(line), "malformed line: \(line)")
        }
    }

    @Test func malformedHeadersNeverFailTheInvocation() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let extra = [
            "x-fc-function-memory": "lots", "x-fc-function-timeout": "-3", "x-fc-retry-count": "x",
            "x-fc-tracing-opentracing-span-context": "zz:yy", "x-fc-tracing-opentracing-span-baggages": "!!!",
            "x-fc-initialization-timeout": "", "x-fc-request-id": String(repeating: "r", count: 8000),
        ]
        let reply = try await FCClient(port: function.port).invoke("context", extra: extra)
        #expect(reply.status == 200)
        let json = try reply.json()
        #expect(json["memoryMB"] as? Int == 128)
        #expect(json["timeoutSeconds"] as? Double == 60)
        let tracing = try #require(json["tracing"] as? [String: Any])
        #expect(tracing["traceId"] == nil)
        #expect(tracing["openTracingSpanContext"] as? String == "zz:yy")
        let warnings = function.stdoutLines.filter { $0.contains("[WARNING] ignoring x-fc-") }
        #expect(warnings.count == 5)
    }

    @Test func secretsNeverReachTheOutput() async throws {
        let secrets = ["SECRET-AK-0001", "SECRET-TOKEN-0002", "collector-secret-host-0003"]
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let extra = [
            "x-fc-access-key-secret": secrets[0], "x-fc-security-token": secrets[1],
            "x-fc-tracing-jaeger-endpoint": "http://\(secrets[2])/api/traces", "x-fc-function-memory": "bad",
        ]
        for handler in ["echo", "context", "fail", "json", "sleep"] {
            _ = try await client.invoke(handler, event: "{}", extra: extra)
        }
        var http = extra
        http["x-fc-control-path"] = "/http-invoke"
        let httpReply = try await client.send(.GET, path: "/x?status=200", headers: FCClient.platformHeaders(requestID: "s", handler: "http", extra: http))
        let output = function.stdoutLines.joined(separator: "\n") + function.stderrText + httpReply.text
        for secret in secrets { #expect(!output.contains(secret)) }
    }
}
