import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

/// `fc-local start`'s FC 2.0 invoke API and HTTP triggers, over real HTTP against the real binary and the real
/// `conformance-function`.
@Suite(.serialized)
struct PlatformInvokeAPITests {
    static let config = """
        functions:
          - {service: demo, name: echo, product: conformance-function, handler: echo}
          - {service: demo, name: ctx, product: conformance-function, handler: context}
          - {service: demo, name: web, product: conformance-function, handler: http}
          - {service: demo, name: fail, product: conformance-function, handler: fail}
        """

    @Test func syncInvocationAnswersTheFunctionsBodyWithARequestID() async throws {
        try await RunningPlatform.with(config: Self.config) { platform in
            let answer = try await platform.invoke(service: "demo", function: "echo", event: "hello")
            #expect(answer.status == 200)
            #expect(answer.text == "hello")
            let requestID = try #require(answer.header("x-fc-request-id"))
            #expect(requestID.count == 36)
            #expect(answer.header("x-fc-error-type") == nil)

            // The context the function saw: FC's headers for this function, this request id, the cold start.
            let context = try await platform.invoke(service: "demo", function: "ctx").json
            #expect(context["functionName"] as? String == "ctx")
            #expect(context["serviceName"] as? String == "demo")
            #expect(context["region"] as? String == "cn-hangzhou")
            #expect(context["isColdStart"] as? Bool == true)
            let warm = try await platform.invoke(service: "demo", function: "ctx").json
            #expect(warm["isColdStart"] as? Bool == false)
            #expect(warm["instanceId"] as? String == context["instanceId"] as? String)
        }
    }

    @Test func functionErrorsAreMarkedAndTheLogTailIsReturned() async throws {
        try await RunningPlatform.with(config: Self.config) { platform in
            let answer = try await platform.invoke(service: "demo", function: "fail", event: "broken on purpose", headers: [("x-fc-log-type", "Tail")])
            #expect(answer.status == 200)
            #expect(answer.header("x-fc-error-type") == "UnhandledInvocationError")
            #expect(answer.json["errorMessage"] as? String == "broken on purpose")
            let requestID = try #require(answer.header("x-fc-request-id"))
            let tail = String(decoding: Data(base64Encoded: try #require(answer.header("x-fc-log-result"))) ?? Data(), as: UTF8.self)
            #expect(tail.contains("FC Invoke Start RequestId: \(requestID)"))
            #expect(tail.contains("FC Invoke End RequestId: \(requestID), Error: Unhandled function error"))
            #expect(tail.utf8.count <= 4096)
            // Without the header there is no log result.
            #expect(try await platform.invoke(service: "demo", function: "echo").header("x-fc-log-result") == nil)
        }
    }

    @Test func unknownServicesFunctionsAndBadRequestsGetFCErrors() async throws {
        try await RunningPlatform.with(config: Self.config) { platform in
            let noService = try await platform.invoke(service: "nope", function: "echo")
            #expect(noService.status == 404)
            #expect(noService.json["ErrorCode"] as? String == "ServiceNotFound")
            let noFunction = try await platform.invoke(service: "demo", function: "nope")
            #expect(noFunction.status == 404)
            #expect(noFunction.json["ErrorCode"] as? String == "FunctionNotFound")
            let badType = try await platform.invoke(service: "demo", function: "echo", headers: [("x-fc-invocation-type", "Sometimes")])
            #expect(badType.status == 400)
            #expect(badType.json["ErrorCode"] as? String == "InvalidArgument")
            let unknownRoute = try await platform.request(.GET, "/nothing/here")
            #expect(unknownRoute.status == 404)
            #expect(unknownRoute.json["ErrorCode"] as? String == "NotFound")

            // Body limits (CONTRACT §2): 32 MB sync, 128 KB async → 400 InvalidArgument; the platform keeps serving.
            let tooBig = try await platform.request(
                .POST, "/2016-08-15/services/demo/functions/echo/invocations", body: Data(count: 32 * 1024 * 1024 + 1))
            #expect(tooBig.status == 400)
            #expect(tooBig.json["ErrorCode"] as? String == "InvalidArgument")
            #expect((tooBig.json["ErrorMessage"] as? String ?? "").contains("32 MB"))
            let asyncTooBig = try await platform.request(
                .POST, "/2016-08-15/services/demo/functions/echo/invocations", headers: [("x-fc-invocation-type", "Async")],
                body: Data(count: 128 * 1024 + 1))
            #expect(asyncTooBig.status == 400)
            #expect((asyncTooBig.json["ErrorMessage"] as? String ?? "").contains("128 KB"))
            #expect(try await platform.invoke(service: "demo", function: "echo", event: "still here").text == "still here")
        }
    }

    @Test func httpTriggersPassMethodPathQueryHeadersAndBodyThrough() async throws {
        try await RunningPlatform.with(config: Self.config) { platform in
            let answer = try await platform.request(
                .PUT, "/2016-08-15/proxy/demo/web/items/7?status=201&x=a%20b",
                headers: [("X-Custom", "yes"), ("x-fc-access-key-secret", "forged"), ("Content-Type", "text/plain")], body: Data("payload".utf8))
            #expect(answer.status == 201)
            #expect(answer.header("content-type") == "application/json")
            #expect(answer.header("x-fc-request-id") != nil)
            let echo = answer.json
            #expect(echo["method"] as? String == "PUT")
            #expect(echo["path"] as? String == "/items/7")
            #expect(echo["query"] as? String == "status=201&x=a%20b")
            #expect(echo["body"] as? String == "payload")
            let headers = echo["headers"] as? [String: String] ?? [:]
            #expect(headers["x-custom"] == "yes")
            #expect(!headers.keys.contains { $0.hasPrefix("x-fc-") })

            let root = try await platform.request(.GET, "/2016-08-15/proxy/demo/web")
            #expect(root.status == 200)
            #expect(root.json["path"] as? String == "/")
            let missing = try await platform.request(.GET, "/2016-08-15/proxy/demo/absent/x")
            #expect(missing.status == 404)
            #expect(missing.json["ErrorCode"] as? String == "FunctionNotFound")
        }
    }

    @Test func withoutAConfigItServesHelloAndPrintsAGeneratedTokenOnce() async throws {
        let state = RunningPlatform.newStateDirectory()
        let run = try FCLocalRun.start(["start", "--port", "0", "--no-build", "--state-dir", state])
        defer {
            kill(run.process.processIdentifier, SIGTERM)
            run.process.waitForExit(upTo: .seconds(30))
        }
        var port: Int?
        try await waitUntil("the listening line") {
            guard let range = run.stderr.text.range(of: "listening on http://127.0.0.1:") else { return false }
            port = Int(run.stderr.text[range.upperBound...].prefix { $0.isNumber })
            return true
        }
        let lines = run.stderr.text.split(separator: "\n").filter { $0.contains("X-Auth-Token") }
        #expect(lines.count == 1)
        let words = lines.first.map { $0.split(separator: " ").map(String.init) } ?? []
        let token = try #require(words.first { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
        let platform = RunningPlatform(run: run, port: try #require(port), stateDirectory: state, authToken: token, projectID: "")
        #expect(try await platform.invoke(service: "default", function: "hello", event: "Swift").text == "Hello, Swift!")
        // The generated token is the one the tracing-configuration API checks (404: valid token, nothing set yet).
        let segments = run.stderr.text.split(separator: "/").map(String.init)
        let projectID = try #require(segments.first { $0.count == 32 && $0.allSatisfy(\.isHexDigit) && $0 != token })
        let path = "/v2/\(projectID)/fgs/functions/urn:fss:cn-hangzhou:\(projectID):function:default:hello:LATEST/tracing"
        let withToken = try await platform.request(.GET, path, headers: [("X-Auth-Token", token)])
        #expect(withToken.status == 404, "\(path): \(withToken.text)")
        #expect(try await platform.request(.GET, path, headers: [("X-Auth-Token", "not-it")]).status == 403)
    }
}
