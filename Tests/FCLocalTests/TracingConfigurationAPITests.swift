import Foundation
import NIOHTTP1
import ProcessTestSupport
import Testing

/// FunctionGraph's tracing-configuration API on `fc-local start` (CONTRACT §6): the round trip, FunctionGraph's
/// status codes and error bodies, the token checked before anything else, the secret never answered nor printed,
/// and the configuration kept across a restart.
@Suite struct TracingConfigurationAPITests {
    private static let secret = "sk-SECRET-9f8e7d"

    @Test func putThenGetMasksTheSecretAndEmptyKeysSwitchTracingOff() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        let api = TracingAPI(platform: platform)

        let none = try await api.get()
        #expect(none.status == 404)
        #expect(none.json as NSDictionary == ["error_code": "FSS.0404", "error_msg": "can not find tracing aksk"])

        let put = try await api.put(#"{"tracing_ak": "ak-1234", "tracing_sk": "\#(Self.secret)"}"#)
        #expect(put.status == 200)
        #expect(put.json as NSDictionary == ["tracing_ak": "ak-1234", "tracing_sk": "******"])
        let got = try await api.get()
        #expect(got.status == 200)
        #expect(got.header("Content-Type") == "application/json")
        #expect(got.json as NSDictionary == ["tracing_ak": "ak-1234", "tracing_sk": "******"])
        #expect(!got.text.contains(Self.secret))

        // New keys replace the old; the other function stays untouched.
        #expect(try await api.put(#"{"tracing_ak": "ak-5678", "tracing_sk": "\#(Self.secret)-2"}"#).status == 200)
        #expect(try await api.get().json["tracing_ak"] as? String == "ak-5678")
        #expect(try await api.get(urn: api.urn(function: "other")).status == 404)

        // Empty values (or missing ones, or null) switch tracing off.
        for off in [#"{"tracing_ak": "", "tracing_sk": ""}"#, "{}", #"{"tracing_ak": null}"#] {
            #expect(try await api.put(#"{"tracing_ak": "ak", "tracing_sk": "sk"}"#).status == 200)
            let cleared = try await api.put(off)
            #expect(cleared.status == 200, "\(off)")
            #expect(cleared.json.isEmpty)
            #expect(try await api.get().status == 404, "\(off)")
        }

        let output = platform.platform.run.stderr.text
        #expect(output.contains("tracing switched on for demo/echo"))
        #expect(output.contains("tracing switched off for demo/echo"))
        #expect(!output.contains(Self.secret))
        #expect(!output.contains(Data("ak-1234:\(Self.secret)".utf8).base64EncodedString()))
    }

    @Test func theTokenIsCheckedBeforeAnythingElse() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        let api = TracingAPI(platform: platform)
        let forbidden: NSDictionary = ["error_code": "FSS.0403", "error_msg": "invalid token"]

        for token in [nil, "", "wrong-token", "TEST-TOKEN", "test-toke", "test-tokens"] as [String?] {
            let get = try await api.get(token: token)
            #expect(get.status == 403, "\(token ?? "none")")
            #expect(get.json as NSDictionary == forbidden)
            let put = try await api.put(#"{"tracing_ak": "a", "tracing_sk": "b"}"#, token: token)
            #expect(put.status == 403)
            #expect(put.json as NSDictionary == forbidden)
        }
        // Even a malformed path, an unknown function or a broken body answer 403 without the token.
        #expect(try await api.get(urn: "not-a-urn", token: nil).status == 403)
        #expect(try await api.get(projectID: "short", token: "nope").status == 403)
        #expect(try await api.get(urn: api.urn(function: "missing"), token: nil).status == 403)
        #expect(try await api.put("{broken", token: "nope").status == 403)
        // A refused PUT changed nothing.
        #expect(try await api.get().status == 404)
    }

    @Test func pathsNamingNoFunctionOfThePlatformAreFSS1128() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        let api = TracingAPI(platform: platform)
        let otherProject = "fedcba9876543210fedcba9876543210"
        let cases: [(projectID: String?, urn: String)] = [
            (nil, api.urn(function: "missing")),
            (nil, api.urn(service: "nosuch")),
            (nil, api.urn(region: "cn-beijing")),
            (nil, api.urn(projectID: otherProject)),
            (otherProject, api.urn(projectID: otherProject)),
            (otherProject, api.urn()),
        ]
        for (projectID, urn) in cases {
            let answer = try await api.get(urn: urn, projectID: projectID)
            #expect(answer.status == 400, "\(urn)")
            #expect(answer.json as NSDictionary == ["error_code": "FSS.1128", "error_msg": "function[\(urn)] not existed"])
            #expect(try await api.put(#"{"tracing_ak": "a", "tracing_sk": "b"}"#, urn: urn, projectID: projectID).json["error_code"] as? String == "FSS.1128")
        }
        // Any qualifier, none, and a percent-encoded URN name the same function.
        #expect(try await api.put(#"{"tracing_ak": "a", "tracing_sk": "b"}"#, urn: api.urn(qualifier: "prod")).status == 200)
        #expect(try await api.get(urn: api.urn(qualifier: nil)).status == 200)
        #expect(try await api.get(urn: api.urn().replacingOccurrences(of: ":", with: "%3A")).status == 200)
    }

    @Test func malformedPathsAreFSS0400() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        let api = TracingAPI(platform: platform)
        let project = platform.platform.projectID
        let cases: [(projectID: String?, urn: String?, message: String)] = [
            ("0123456789abcdef0123456789abcde", nil, "project_id must be 32 letters or digits"),
            ("0123456789abcdef0123456789abcdef0", nil, "project_id must be 32 letters or digits"),
            ("0123456789abcdef0123456789abcde_", nil, "project_id must be 32 letters or digits"),
            (nil, "urn:fss:cn-hangzhou:\(project):function:demo:echo.v1:LATEST", "function_urn may hold only letters, digits"),
            (nil, "urn:fss:cn-hangzhou:\(project):function:demo:echo%20x:LATEST", "function_urn may hold only letters, digits"),
            (nil, "echo", "function_urn must look like urn:fss:{region}"),
            (nil, "urn:fss:cn-hangzhou:\(project):func:demo:echo:LATEST", "function_urn must look like"),
            (nil, "urn:fss:cn-hangzhou:\(project):function:demo::LATEST", "function_urn must look like"),
            (nil, "urn:fss:cn-hangzhou:\(project):function:demo:echo:", "function_urn must look like"),
            (nil, "urn:fss:cn-hangzhou:\(project):function:demo:echo:LATEST:extra", "function_urn must look like"),
        ]
        for (projectID, urn, message) in cases {
            let answer = try await api.get(urn: urn, projectID: projectID)
            #expect(answer.status == 400, "\(projectID ?? urn ?? "")")
            #expect(answer.json["error_code"] as? String == "FSS.0400")
            #expect((answer.json["error_msg"] as? String)?.contains(message) == true, "\(answer.text)")
        }
    }

    @Test func malformedBodiesAreRefusedWithoutEchoingTheirValues() async throws {
        let platform = try await TracePlatform.start()
        defer { platform.finish() }
        let api = TracingAPI(platform: platform)
        let cases: [(body: String, message: String)] = [
            ("", "the body must be a JSON object"),
            ("{broken", "the body must be a JSON object"),
            (#"["tracing_ak"]"#, "the body must be a JSON object"),
            (#"{"tracing_ak": 12, "tracing_sk": "x"}"#, "tracing_ak must be a string"),
            (#"{"tracing_ak": "a", "tracing_sk": true}"#, "tracing_sk must be a string"),
            (#"{"tracing_ak": "a"}"#, "must be set together"),
            (#"{"tracing_sk": "\#(Self.secret)"}"#, "must be set together"),
            (#"{"tracing_ak": "a:b", "tracing_sk": "\#(Self.secret)"}"#, "tracing_ak must not contain ':'"),
            (#"{"tracing_ak": "a", "tracing_sk": "\#(Self.secret)\n"}"#, "tracing_sk must not contain control characters"),
            (#"{"tracing_ak": "a", "tracing_sk": "\#(String(repeating: "s", count: 1025))"}"#, "tracing_sk must be at most 1024 bytes"),
        ]
        for (body, message) in cases {
            let answer = try await api.put(body)
            #expect(answer.status == 400, "\(body)")
            #expect(answer.json["error_code"] as? String == "FSS.0400", "\(body)")
            #expect((answer.json["error_msg"] as? String)?.contains(message) == true, "\(body): \(answer.text)")
            #expect(!answer.text.contains(Self.secret))
        }
        let huge = try await api.put(#"{"tracing_ak": "a", "pad": "\#(String(repeating: "x", count: 70_000))"}"#)
        #expect(huge.status == 413)
        #expect(huge.json["error_code"] as? String == "FSS.0413")
        #expect(try await api.get().status == 404)
        #expect(!platform.platform.run.stderr.text.contains(Self.secret))
    }

    @Test func theConfigurationSurvivesARestart() async throws {
        let stateDirectory = RunningPlatform.newStateDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        let first = try await TracePlatform.start(stateDirectory: stateDirectory)
        #expect(try await TracingAPI(platform: first).put(#"{"tracing_ak": "kept-ak", "tracing_sk": "\#(Self.secret)"}"#).status == 200)
        #expect(try await first.platform.stop() == 0)

        let second = try await TracePlatform.start(stateDirectory: stateDirectory)
        defer { second.platform.killHard() }
        let api = TracingAPI(platform: second)
        #expect(try await api.get().json as NSDictionary == ["tracing_ak": "kept-ak", "tracing_sk": "******"])
        // The kept credentials open the restarted platform's collector.
        let batch = TraceBatches.otlp(application: "FC:demo/echo")
        #expect(try await second.postOTLP(batch.body, user: "kept-ak", password: Self.secret).status == 202)
        #expect(!(first.platform.run.stderr.text + second.platform.run.stderr.text).contains(Self.secret))
    }
}

/// Calls of the tracing-configuration API with the test platform's token unless told otherwise.
private struct TracingAPI {
    let platform: TracePlatform

    private var running: RunningPlatform { platform.platform }

    /// FunctionGraph's URN of a function, by default `demo/echo` of this platform.
    func urn(region: String = "cn-hangzhou", projectID: String? = nil, service: String = "demo", function: String = "echo", qualifier: String? = "LATEST") -> String {
        "urn:fss:\(region):\(projectID ?? running.projectID):function:\(service):\(function)" + (qualifier.map { ":\($0)" } ?? "")
    }

    func get(urn: String? = nil, projectID: String? = nil, token: String? = "test-token") async throws -> RunningPlatform.Answer {
        try await running.request(.GET, path(urn: urn, projectID: projectID), headers: headers(token))
    }

    func put(_ body: String, urn: String? = nil, projectID: String? = nil, token: String? = "test-token") async throws -> RunningPlatform.Answer {
        try await running.request(.PUT, path(urn: urn, projectID: projectID), headers: headers(token) + [("Content-Type", "application/json")], body: Data(body.utf8))
    }

    private func path(urn: String?, projectID: String?) -> String {
        "/v2/\(projectID ?? running.projectID)/fgs/functions/\(urn ?? self.urn())/tracing"
    }

    private func headers(_ token: String?) -> [(String, String)] { token.map { [("X-Auth-Token", $0)] } ?? [] }
}
