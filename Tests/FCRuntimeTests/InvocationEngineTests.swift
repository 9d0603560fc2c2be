import HTTPTypes
import Synchronization
import Testing

@testable import FCRuntime

/// The pipeline driven directly (no sockets): error mapping, timeouts, initializer-first and header hygiene.
@Suite struct InvocationEngineTests {
    struct Greeting: Codable { let name: String }
    struct Boom: Error, CustomStringConvertible { var description: String { "it broke" } }

    /// An engine with the `FCInsights` record off, so that these tests see only the FC lines (the records have
    /// their own suite).
    private func engine(
        configuration: RuntimeConfiguration = .init(requestMetrics: false), _ configure: (inout FunctionRuntime) -> Void
    ) -> (InvocationEngine, CollectingLineOutput) {
        var runtime = FunctionRuntime(configuration: configuration)
        configure(&runtime)
        let output = CollectingLineOutput()
        return (InvocationEngine(registry: runtime.registry, configuration: configuration, output: output), output)
    }

    private func request(_ headers: HTTPFields = [:], path: String = "/invoke", method: HTTPRequest.Method = .post) -> HTTPRequest {
        HTTPRequest(method: method, scheme: nil, authority: nil, path: path, headerFields: headers)
    }

    private func headers(_ pairs: [(String, String)]) -> HTTPFields {
        HTTPFields(pairs.map { HTTPField(name: HTTPField.Name($0.0)!, value: $0.1) })
    }

    private func errorBody(_ response: RuntimeResponse) throws -> [String: String] {
        let text = String(buffer: response.body)
        var result: [String: String] = [:]
        for key in ["errorType", "errorMessage"] {
            let match = try #require(text.firstMatch(of: try Regex("\"\(key)\":\"([^\"]*)\"")))
            result[key] = String(match.output[1].substring ?? "")
        }
        #expect(text.contains(#""stackTrace":[]"#))
        return result
    }

    @Test func successAnswers200WithFunctionStatus200() async {
        let (engine, output) = engine { $0.event("echo") { (event: ByteBuffer, _: FCContext) in event } }
        let response = await engine.respond(
            to: .invoke, request: request(headers([("x-fc-request-id", "r1")])), body: ByteBuffer(string: "hi"))
        #expect(response.status == .ok)
        #expect(response.headers[FCHeaderName.status] == "200")
        #expect(String(buffer: response.body) == "hi")
        #expect(output.lines == ["FC Invoke Start RequestId: r1", "FC Invoke End RequestId: r1"])
    }

    @Test func aThrownErrorBecomesA404WithTheErrorBody() async throws {
        let (engine, output) = engine { $0.event("boom") { (_: String, _: FCContext) -> String in throw Boom() } }
        let response = await engine.respond(to: .invoke, request: request(headers([("x-fc-request-id", "r2")])), body: ByteBuffer())
        #expect(response.status == .notFound)
        #expect(response.headers[FCHeaderName.status] == "404")
        #expect(try errorBody(response) == ["errorType": "Boom", "errorMessage": "it broke"])
        #expect(output.lines.first == "FC Invoke Start RequestId: r2")
        #expect(output.lines.last == "FC Invoke End RequestId: r2, Error: Unhandled function error")
        #expect(output.lines.contains { $0.hasSuffix("r2 [ERROR] Boom: it broke") })
    }

    @Test func aDecodingFailureNamesTheTypeAndTheField() async throws {
        let (engine, _) = engine { $0.event("json") { (greeting: Greeting, _: FCContext) in greeting } }
        let missing = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: #"{"nam":"x"}"#))
        #expect(try errorBody(missing) == [
            "errorType": "EventDecodingError", "errorMessage": "cannot decode Greeting from the event: missing field 'name'",
        ])
        let wrongType = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: #"{"name":5}"#))
        #expect(try errorBody(wrongType)["errorMessage"] == "cannot decode Greeting from the event: field 'name' is not of type String")
        let notJSON = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: "hello"))
        #expect(try errorBody(notJSON)["errorMessage"] == "cannot decode Greeting from the event: the event is not valid JSON")
        let ok = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: #"{"name":"x"}"#))
        #expect(String(buffer: ok.body) == #"{"name":"x"}"#)
    }

    @Test func nestedFieldPathsAreNamed() async throws {
        struct Outer: Codable { let items: [Greeting] }
        let (engine, _) = engine { $0.event("json") { (outer: Outer, _: FCContext) in outer.items.count } }
        let response = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: #"{"items":[{"name":"a"},{}]}"#))
        #expect(try errorBody(response)["errorMessage"] == "cannot decode Outer from the event: missing field 'items[1].name'")
    }

    @Test func aTimeoutAnswersFunctionTimeoutErrorAndCancelsTheHandler() async throws {
        let cancelled = TestCounter()
        let (engine, output) = engine {
            $0.event("slow") { (_: ByteBuffer, _: FCContext) in
                do { try await Task.sleep(for: .seconds(30)) } catch { cancelled.increment(); throw error }
                return ByteBuffer()
            }
        }
        let response = await engine.respond(
            to: .invoke, request: request(headers([("x-fc-request-id", "t"), ("x-fc-function-timeout", "0.1")])), body: ByteBuffer())
        #expect(try errorBody(response) == ["errorType": "FunctionTimeoutError", "errorMessage": "Function timed out after 0.1 seconds"])
        #expect(output.lines.last == "FC Invoke End RequestId: t, Error: Function timed out after 0.1 seconds")
        try await Task.sleep(for: .milliseconds(200))
        #expect(cancelled.value > 0)
    }

    @Test func unknownHandlerWithStrictPolicyIsHandlerNotFound() async throws {
        let (engine, _) = engine {
            $0.registry.unknownHandlerPolicy = .fail
            $0.event("a") { (event: ByteBuffer, _: FCContext) in event }
            $0.event("b") { (event: ByteBuffer, _: FCContext) in event }
        }
        let response = await engine.respond(
            to: .invoke, request: request(headers([("x-fc-function-handler", "zzz")])), body: ByteBuffer())
        let body = try errorBody(response)
        #expect(body["errorType"] == "HandlerNotFound")
        #expect(body["errorMessage"]?.contains("registered: a, b") == true)
    }

    @Test func theInitializerRunsBeforeTheFirstInvocationAndOnlyOnce() async {
        let runs = TestCounter()
        let (engine, output) = engine {
            $0.event("echo") { (event: ByteBuffer, _: FCContext) in event }
            $0.initializer { _ in runs.increment() }
        }
        _ = await engine.respond(to: .invoke, request: request(headers([("x-fc-request-id", "first")])), body: ByteBuffer())
        _ = await engine.respond(to: .invoke, request: request(headers([("x-fc-request-id", "second")])), body: ByteBuffer())
        let explicit = await engine.respond(to: .initialize, request: request(path: "/initialize"), body: ByteBuffer())
        #expect(explicit.status == .ok)
        #expect(runs.value == 1)
        #expect(output.lines == [
            "FC Initialize Start RequestId: first", "FC Initialize End RequestId: first",
            "FC Invoke Start RequestId: first", "FC Invoke End RequestId: first",
            "FC Invoke Start RequestId: second", "FC Invoke End RequestId: second",
        ])
    }

    @Test func aFailedInitializerFailsTheInvocationWithItsErrorAndIsRetried() async throws {
        let runs = TestCounter()
        let (engine, _) = engine {
            $0.event("echo") { (event: ByteBuffer, _: FCContext) in event }
            $0.initializer { _ in if runs.increment() == 1 { throw Boom() } }
        }
        let first = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: "x"))
        #expect(first.status == .notFound)
        #expect(try errorBody(first) == ["errorType": "Boom", "errorMessage": "it broke"])
        let second = await engine.respond(to: .invoke, request: request(), body: ByteBuffer(string: "x"))
        #expect(second.status == .ok)
        #expect(runs.value == 2)
    }

    @Test func onlyTheFirstInvocationIsACColdStart() async {
        let (engine, _) = engine { $0.event("cold") { (_: ByteBuffer, context: FCContext) in ByteBuffer(string: "\(context.isColdStart)") } }
        var answers: [String] = []
        for _ in 0..<3 { answers.append(String(buffer: await engine.respond(to: .invoke, request: request(), body: ByteBuffer()).body)) }
        #expect(answers == ["true", "false", "false"])
    }

    @Test func httpHandlersSeeNoPlatformHeadersAndCannotSetThem() async throws {
        let (engine, output) = engine {
            $0.http("web") { request, _ in
                let names = request.headers.map(\.name.canonicalName).sorted().joined(separator: ",")
                return FCHTTPResponse(
                    status: .created,
                    headers: [.init("x-fc-status")!: "500", .init("x-fc-request-id")!: "forged", .init("x-app")!: "1", .contentLength: "999"],
                    body: "\(request.method.rawValue) \(request.path) \(request.query) \(names) \(request.queryParameter("q") ?? "-")")
            }
        }
        let response = await engine.respond(
            to: .httpInvoke,
            request: request(
                headers([("x-fc-access-key-secret", "S"), ("x-fc-control-path", "/http-invoke"), ("x-user", "u"), ("x-fc-request-id", "h")]),
                path: "/a/b?q=hello%20world+x", method: .put),
            body: ByteBuffer())
        #expect(response.status == .created)
        #expect(String(buffer: response.body) == "PUT /a/b q=hello%20world+x x-user hello world x")
        #expect(response.headers[FCHeaderName.status] == "200")
        #expect(response.headers[FCHeaderName.requestID] == nil)
        #expect(response.headers[.init("x-app")!] == "1")
        #expect(response.headers[.contentLength] == nil)
        #expect(output.lines.filter { $0.contains("[WARNING] dropping response header x-fc-") }.count == 2)
    }

    @Test func lifecycleHooksRunWithTheirLines() async {
        let (engine, output) = engine { $0.preFreeze { context in context.logger.info("freezing") } }
        let freeze = await engine.respond(to: .preFreeze, request: request(headers([("x-fc-request-id", "f")]), path: "/pre-freeze", method: .get), body: ByteBuffer())
        let stop = await engine.respond(to: .preStop, request: request(headers([("x-fc-request-id", "s")]), path: "/pre-stop", method: .get), body: ByteBuffer())
        #expect(freeze.status == .ok && stop.status == .ok)
        #expect(output.lines.count == 5)
        #expect(output.lines[0] == "FC PreFreeze Start RequestId: f")
        #expect(output.lines[1].hasSuffix(" f [INFO] freezing"))
        #expect(output.lines[2] == "FC PreFreeze End RequestId: f")
        #expect(output.lines[3...] == ["FC PreStop Start RequestId: s", "FC PreStop End RequestId: s"])
    }

    @Test func preStopRunsOnShutdownOnlyWhenThePlatformDidNotCallIt() async {
        let runs = TestCounter()
        let (uncalled, _) = engine { $0.preStop { _ in runs.increment() } }
        await uncalled.runPreStopIfNeeded()
        await uncalled.runPreStopIfNeeded()
        #expect(runs.value == 1)
        let (called, _) = engine { $0.preStop { _ in runs.increment() } }
        _ = await called.respond(to: .preStop, request: request(path: "/pre-stop", method: .get), body: ByteBuffer())
        await called.runPreStopIfNeeded()
        #expect(runs.value == 2)
    }

    @Test func headerWarningsFollowTheStartLine() async {
        let (engine, output) = engine { $0.event("echo") { (event: ByteBuffer, _: FCContext) in event } }
        _ = await engine.respond(
            to: .invoke, request: request(headers([("x-fc-request-id", "w"), ("x-fc-function-memory", "lots")])), body: ByteBuffer())
        #expect(output.lines.count == 3)
        #expect(output.lines[0] == "FC Invoke Start RequestId: w")
        #expect(output.lines[1].contains(" w [WARNING] ignoring x-fc-function-memory=\"lots\""))
    }
}

/// The `FCInsights` record the engine writes after each invocation.
@Suite struct InsightsRecordEngineTests {
    struct Boom: Error {}

    private func engine(
        requestMetrics: Bool = true, _ configure: (inout FunctionRuntime) -> Void
    ) -> (InvocationEngine, CollectingLineOutput) {
        let configuration = RuntimeConfiguration(requestMetrics: requestMetrics)
        var runtime = FunctionRuntime(configuration: configuration)
        configure(&runtime)
        let output = CollectingLineOutput()
        return (InvocationEngine(registry: runtime.registry, configuration: configuration, output: output), output)
    }

    private func invoke(_ engine: InvocationEngine, _ pairs: [(String, String)], route: Route = .invoke) async {
        let headers = HTTPFields(pairs.map { HTTPField(name: HTTPField.Name($0.0)!, value: $0.1) })
        _ = await engine.respond(
            to: route, request: HTTPRequest(method: .post, scheme: nil, authority: nil, path: "/invoke", headerFields: headers),
            body: ByteBuffer())
    }

    private func record(_ output: CollectingLineOutput, _ requestID: String) -> String? {
        output.lines.first { $0.hasPrefix("FCInsights:") && $0.contains(#""requestId":"\#(requestID)""#) }
    }

    @Test func theRecordFollowsTheEndLineInTheSameWrite() async throws {
        let (engine, output) = engine { $0.event("echo") { (event: ByteBuffer, _: FCContext) in event } }
        await invoke(engine, [("x-fc-request-id", "r1"), ("x-fc-service-name", "svc"), ("x-fc-function-name", "fn")])
        let endWrite = try #require(output.writes.last)
        #expect(endWrite.hasPrefix("FC Invoke End RequestId: r1\nFCInsights:svc/fn {"))
        #expect(endWrite.hasSuffix("}\n"))
        let line = try #require(record(output, "r1"))
        #expect(line.contains(#""isColdStart":true,"hasFunctionError":false"#))
        #expect(line.contains(#""invocationType":"event""#))
    }

    @Test func initializationDurationOnlyOnTheColdStartInvocationWithAnInitializer() async throws {
        let (engine, output) = engine {
            $0.event("echo") { (event: ByteBuffer, _: FCContext) in event }
            $0.initializer { _ in }
        }
        await invoke(engine, [("x-fc-request-id", "cold")])
        await invoke(engine, [("x-fc-request-id", "warm")])
        #expect(try #require(record(output, "cold")).contains(#""initializationDurationMs":"#))
        #expect(try #require(record(output, "warm")).contains(#""isColdStart":false"#))
        #expect(!(try #require(record(output, "warm")).contains("initializationDurationMs")))
    }

    @Test func errorTypesFollowTheOutcome() async throws {
        let (engine, output) = engine {
            $0.event("fail") { (_: ByteBuffer, _: FCContext) -> ByteBuffer in throw Boom() }
            $0.event("hang") { (_: ByteBuffer, _: FCContext) -> ByteBuffer in try await Task.sleep(for: .seconds(30)); return ByteBuffer() }
        }
        await invoke(engine, [("x-fc-request-id", "f"), ("x-fc-function-handler", "fail")])
        await invoke(engine, [("x-fc-request-id", "t"), ("x-fc-function-handler", "hang"), ("x-fc-function-timeout", "0.05")])
        #expect(try #require(record(output, "f")).contains(#""hasFunctionError":true,"errorType":"FunctionUnhandledError""#))
        #expect(try #require(record(output, "t")).contains(#""hasFunctionError":true,"errorType":"FunctionTimeoutError""#))
    }

    @Test func traceFieldsOnlyWithAValidSpanContext() async throws {
        let (engine, output) = engine { $0.event("echo") { (event: ByteBuffer, _: FCContext) in event } }
        await invoke(engine, [("x-fc-request-id", "traced"), ("x-fc-tracing-opentracing-span-context", "1f:2a:0:1")])
        await invoke(engine, [("x-fc-request-id", "unsampled"), ("x-fc-tracing-opentracing-span-context", "1f:2a:0:0")])
        await invoke(engine, [("x-fc-request-id", "invalid"), ("x-fc-tracing-opentracing-span-context", "nonsense")])
        // With FC's header invalid, the trace follows `traceparent`, and the record names that context, not the header.
        await invoke(
            engine,
            [
                ("x-fc-request-id", "w3c"), ("x-fc-tracing-opentracing-span-context", "0:1:0:1"),
                ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            ])
        #expect(try #require(record(output, "traced")).contains(#""traceContext":"1f:2a:0:1","isSampled":true"#))
        #expect(try #require(record(output, "unsampled")).contains(#""isSampled":false"#))
        #expect(!(try #require(record(output, "invalid")).contains("traceContext")))
        #expect(try #require(record(output, "w3c")).contains(#""traceContext":"4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1","#))
    }

    @Test func httpInvocationsAreRecordedToo() async throws {
        let (engine, output) = engine { $0.http("web") { _, _ in FCHTTPResponse(body: "ok") } }
        await invoke(engine, [("x-fc-request-id", "h"), ("x-fc-control-path", "/http-invoke")], route: .httpInvoke)
        #expect(try #require(record(output, "h")).contains(#""invocationType":"http""#))
    }

    @Test func theSwitchTurnsTheRecordOff() async {
        let (engine, output) = engine(requestMetrics: false) { $0.event("echo") { (event: ByteBuffer, _: FCContext) in event } }
        await invoke(engine, [("x-fc-request-id", "off")])
        #expect(!output.lines.contains { $0.hasPrefix("FCInsights") })
        #expect(output.lines == ["FC Invoke Start RequestId: off", "FC Invoke End RequestId: off"])
    }
}
