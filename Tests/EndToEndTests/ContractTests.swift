import Foundation
import NIOHTTP1
import Testing

/// The FC custom-runtime contract (CONTRACT §1–§4), checked against the real `conformance-function` process over
/// real HTTP.
@Suite struct ContractTests {
    @Test func echoReturnsTheEventBytesWithFunctionStatus200AndFramingLines() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let event = Data((0...255).map { UInt8($0) } + Array("tail".utf8))
        let reply = try await client.send(headers: FCClient.platformHeaders(requestID: "req-echo", handler: "echo"), body: event)
        #expect(reply.status == 200)
        #expect(reply.fcStatus == "200")
        #expect(reply.body == event)
        try await function.waitForLine { $0 == "FC Invoke End RequestId: req-echo" }
        let framing = function.stdoutLines.filter { $0.hasPrefix("FC ") }
        // The fixture registers an initializer and nobody called /initialize: it runs first, in its own section.
        #expect(framing == [
            "FC Initialize Start RequestId: req-echo", "FC Initialize End RequestId: req-echo",
            "FC Invoke Start RequestId: req-echo", "FC Invoke End RequestId: req-echo",
        ])
    }

    @Test func printedLinesLeaveAtOnceBetweenTheStartAndEndLines() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        for id in ["req-print-1", "req-print-2"] {
            let reply = try await client.invoke("print", event: id, requestID: id)
            #expect(reply.status == 200)
            try await function.waitForLine { $0 == "FC Invoke End RequestId: \(id)" }
        }
        // The process keeps running: without line buffering, the printed lines would still sit in stdio's buffer.
        let lines = function.stdoutLines.filter { $0.hasPrefix("FC Invoke") || $0.hasPrefix("printed:") }
        #expect(lines == [
            "FC Invoke Start RequestId: req-print-1", "printed: req-print-1", "FC Invoke End RequestId: req-print-1",
            "FC Invoke Start RequestId: req-print-2", "printed: req-print-2", "FC Invoke End RequestId: req-print-2",
        ])
    }

    /// While a long invocation keeps a second response owed, the runtime holds its lines; what `print` writes meanwhile
    /// is held with them, so each printed line stays between its invocation's Start and End lines.
    @Test func printedLinesKeepTheirPlaceWhileLinesAreHeld() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        async let sleeper = client.invoke("sleep", event: #"{"ms": 1500}"#, requestID: "req-sleeper")
        try await function.waitForLine { $0 == "FC Invoke Start RequestId: req-sleeper" }
        let ids = (0..<20).map { "req-held-print-\($0)" }
        for id in ids {
            let reply = try await client.invoke("print", event: id, requestID: id)
            #expect(reply.status == 200)
        }
        #expect(try await sleeper.status == 200)
        try await function.waitForLine { $0 == "FC Invoke End RequestId: req-sleeper" }
        let lines = function.stdoutLines
        for id in ids {
            let start = lines.firstIndex(of: "FC Invoke Start RequestId: \(id)")
            let printed = lines.firstIndex(of: "printed: \(id)")
            let end = lines.firstIndex(of: "FC Invoke End RequestId: \(id)")
            #expect(start != nil && printed != nil && end != nil && start! < printed! && printed! < end!, "\(id): \(String(describing: start)) \(String(describing: printed)) \(String(describing: end))")
        }
    }

    @Test func theContextCarriesEveryHeader() async throws {
        let function = try await FunctionProcess(environment: ["FC_INSTANCE_ID": "c-instance-1"])
        defer { function.kill() }
        let extra = [
            "x-fc-access-key-id": "AKID", "x-fc-access-key-secret": "SECRET", "x-fc-security-token": "TOKEN",
            "x-fc-function-initializer": "index.init", "x-fc-initialization-timeout": "15", "x-fc-version-id": "7",
            "x-fc-qualifier": "prod", "x-fc-service-logproject": "lp", "x-fc-service-logstore": "ls", "x-fc-retry-count": "1",
            "x-fc-tracing-opentracing-span-context": "5f3a:1b2c:0:1",
            "x-fc-tracing-opentracing-span-baggages": Data(#"{"tenant":"t1"}"#.utf8).base64EncodedString(),
            "x-fc-tracing-opentracing-span-context-baggage-user": "u1",
        ]
        let reply = try await FCClient(port: function.port).invoke("context", requestID: "req-ctx", extra: extra)
        #expect(reply.status == 200)
        let json = try reply.json()
        #expect(json["requestId"] as? String == "req-ctx")
        #expect(json["functionName"] as? String == "conformance")
        #expect(json["functionHandler"] as? String == "context")
        #expect(json["memoryMB"] as? Int == 512)
        #expect(json["timeoutSeconds"] as? Double == 10)
        #expect(json["initializer"] as? String == "index.init")
        #expect(json["initializationTimeoutSeconds"] as? Double == 15)
        #expect(json["serviceName"] as? String == "svc")
        #expect(json["logProject"] as? String == "lp")
        #expect(json["logStore"] as? String == "ls")
        #expect(json["qualifier"] as? String == "prod")
        #expect(json["versionId"] as? String == "7")
        #expect(json["region"] as? String == "cn-hangzhou")
        #expect(json["accountId"] as? String == "1234567890")
        #expect(json["retryCount"] as? Int == 1)
        #expect(json["accessKeyId"] as? String == "AKID")
        #expect(json["hasAccessKeySecret"] as? Bool == true)
        #expect(json["hasSecurityToken"] as? Bool == true)
        #expect(json["instanceId"] as? String == "c-instance-1")
        let remaining = try #require(json["remainingTimeMs"] as? Int)
        #expect(remaining > 0 && remaining <= 10_000)
        let tracing = try #require(json["tracing"] as? [String: Any])
        #expect(tracing["openTracingSpanContext"] as? String == "5f3a:1b2c:0:1")
        #expect(tracing["openTracingSpanBaggages"] as? [String: String] == ["tenant": "t1", "user": "u1"])
        #expect(tracing["traceId"] as? String == "0000000000005f3a")
        #expect(tracing["spanId"] as? String == "0000000000001b2c")
        #expect(tracing["sampled"] as? Bool == true)
    }

    @Test func aThrownErrorAnswers404WithTheErrorBodyAndTheErrorEndLine() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let reply = try await FCClient(port: function.port).invoke("fail", event: "custom failure", requestID: "req-fail")
        #expect(reply.status == 404)
        #expect(reply.fcStatus == "404")
        #expect(reply.headers.first(name: "content-type") == "application/json")
        let json = try reply.json()
        #expect(json["errorMessage"] as? String == "custom failure")
        #expect(json["errorType"] as? String == "FixtureError")
        #expect((json["stackTrace"] as? [Any])?.isEmpty == true)
        #expect(try await function.waitForLine { $0 == "FC Invoke End RequestId: req-fail, Error: Unhandled function error" } != nil)
        let empty = try await FCClient(port: function.port).invoke("fail")
        #expect(try empty.json()["errorMessage"] as? String == "boom")
    }

    @Test func aTimeoutAnswersFunctionTimeoutErrorAndTheServerKeepsServing() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let reply = try await client.invoke(
            "sleep", event: #"{"ms": 20000}"#, requestID: "req-slow", extra: ["x-fc-function-timeout": "1"])
        #expect(reply.status == 404)
        #expect(reply.fcStatus == "404")
        #expect(try reply.json()["errorType"] as? String == "FunctionTimeoutError")
        #expect(try reply.json()["errorMessage"] as? String == "Function timed out after 1 seconds")
        #expect(function.stdoutLines.contains("FC Invoke End RequestId: req-slow, Error: Function timed out after 1 seconds"))
        let fast = try await client.invoke("sleep", event: #"{"ms": 5}"#)
        #expect(fast.status == 200)
        #expect(fast.text == #"{"slept":5}"#)
    }

    @Test func typedJSONHandlersDecodeAndNameTheMissingField() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let ok = try await client.invoke("json", event: #"{"name": "x"}"#)
        #expect(ok.status == 200)
        #expect(ok.text == #"{"greeting":"Hello, x!"}"#)
        let bad = try await client.invoke("json", event: #"{"nom": "x"}"#)
        #expect(bad.status == 404)
        #expect(try bad.json()["errorType"] as? String == "EventDecodingError")
        #expect(try bad.json()["errorMessage"] as? String == "cannot decode GreetingRequest from the event: missing field 'name'")
    }

    @Test func httpInvocationsPassMethodPathQueryHeadersBodyAndStatusThrough() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let headers = FCClient.platformHeaders(
            requestID: "req-http", handler: "http",
            extra: ["x-fc-control-path": "/http-invoke", "X-Custom": "Value", "x-fc-access-key-secret": "SECRET"])
        let reply = try await FCClient(port: function.port).send(
            .PUT, path: "/2016-08-15/proxy/svc/fn/items/7?status=418&q=a%20b", headers: headers, body: Data("payload".utf8))
        #expect(reply.status == 418)
        #expect(reply.fcStatus == "200")
        let json = try reply.json()
        #expect(json["method"] as? String == "PUT")
        #expect(json["path"] as? String == "/2016-08-15/proxy/svc/fn/items/7")
        #expect(json["query"] as? String == "status=418&q=a%20b")
        #expect(json["body"] as? String == "payload")
        let echoed = try #require(json["headers"] as? [String: String])
        #expect(echoed["x-custom"] == "Value")
        #expect(echoed.keys.allSatisfy { !$0.hasPrefix("x-fc-") })
    }

    @Test func withoutAControlPathHeaderInvokeStillWorks() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let reply = try await FCClient(port: function.port).send(body: Data("plain".utf8))
        #expect(reply.status == 200)
        #expect(reply.text == "plain")
    }

    @Test func anUnknownHandlerNameFallsBackToTheDefault() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let reply = try await FCClient(port: function.port).invoke("index.handler", event: "to-default")
        #expect(reply.text == "to-default")
    }

    @Test func requestsOutsideTheContractGetClearJSONErrors() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let wrongMethod = try await client.send(.GET, path: "/invoke")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers.first(name: "allow") == "POST")
        #expect(try wrongMethod.json()["errorType"] as? String == "MethodNotAllowed")
        let unknownPath = try await client.send(.POST, path: "/nowhere")
        #expect(unknownPath.status == 404)
        #expect(unknownPath.fcStatus == nil)
        #expect(try unknownPath.json()["errorType"] as? String == "RouteNotFound")
        let badControl = try await client.send(headers: ["x-fc-control-path": "/bogus"])
        #expect(badControl.status == 400)
        #expect(try badControl.json()["errorType"] as? String == "InvalidControlPath")
        #expect(try await client.invoke("echo", event: "still fine").text == "still fine")
    }

    @Test func aBodyOverTheLimitGets413AndTheServerStaysHealthy() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let client = FCClient(port: function.port)
        let tooLarge = try await client.send(headers: FCClient.platformHeaders(requestID: "big"), body: Data(count: 32 * 1024 * 1024 + 1))
        #expect(tooLarge.status == 413)
        #expect(try tooLarge.json()["errorType"] as? String == "RequestEntityTooLarge")
        let atLimit = try await client.send(headers: FCClient.platformHeaders(requestID: "limit"), body: Data(count: 32 * 1024 * 1024))
        #expect(atLimit.status == 200)
        #expect(atLimit.body.count == 32 * 1024 * 1024)
        #expect(try await client.invoke("echo", event: "after").text == "after")
    }

    @Test func keepAliveConnectionsServeManyRequests() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let connection = try RawConnection(port: function.port)
        for index in 0..<3 {
            connection.send("POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: ka-\(index)\r\nContent-Length: 2\r\n\r\nk\(index)")
            let responses = connection.readResponses(1)
            #expect(responses.first?.status == 200)
            #expect(responses.first?.body == "k\(index)")
        }
    }
}
