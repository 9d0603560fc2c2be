import Foundation
import Testing

@testable import fc_local

/// The pieces behind the tracing-configuration API and the collector: path resolution, body checks, credentials,
/// and descriptions that never show a key.
struct TracingConfigurationValidationTests {
    private let settings = PlatformSettings(
        region: "cn-hangzhou", projectID: "0123456789abcdef0123456789abcdef", authToken: "token", accountID: "1", stateDirectory: "/tmp/x")
    private let functions = [FunctionKey(service: "demo", function: "echo")]

    private func target(_ urn: String, projectID: String = "0123456789abcdef0123456789abcdef") throws(TracingAPIError) -> TracingConfigurationTarget {
        try TracingConfigurationTarget(projectIDSegment: projectID, urnSegment: urn, settings: settings, functions: functions)
    }

    @Test func aURNOfTheProjectAndRegionResolvesToItsFunction() throws {
        let urn = "urn:fss:cn-hangzhou:0123456789abcdef0123456789abcdef:function:demo:echo:LATEST"
        #expect(try target(urn).key == FunctionKey(service: "demo", function: "echo"))
        #expect(try target(urn.replacingOccurrences(of: ":", with: "%3a")).urn == urn)
        #expect(try target(String(urn.dropLast(7))).key.function == "echo")
    }

    @Test(arguments: [
        ("urn:fss:cn-hangzhou:0123456789abcdef0123456789abcdef:function:demo:other:LATEST", "FSS.1128"),
        ("urn:fss:cn-shanghai:0123456789abcdef0123456789abcdef:function:demo:echo:LATEST", "FSS.1128"),
        ("urn:fss:cn-hangzhou:00000000000000000000000000000000:function:demo:echo:LATEST", "FSS.1128"),
        ("urn:fss:cn-hangzhou:0123456789abcdef0123456789abcdef:function:demo:echo/x:LATEST", "FSS.0400"),
        ("urn:fss:cn-hangzhou:0123456789abcdef0123456789abcdef:function:demo:echo:", "FSS.0400"),
        ("urn:fss:cn-hangzhou:0123456789abcdef0123456789abcdef:function:demo", "FSS.0400"),
        ("%zz", "FSS.0400"),
        ("", "FSS.0400"),
    ])
    func refusals(urn: String, code: String) {
        do throws(TracingAPIError) {
            _ = try target(urn)
        } catch {
            #expect(error.code == code, "\(urn)")
            #expect("\(error)".hasPrefix("400 "))
        }
    }

    @Test func aPathProjectThatIsNotThePlatformsNamesNoFunction() {
        let other = "fedcba9876543210fedcba9876543210"
        do throws(TracingAPIError) {
            _ = try target("urn:fss:cn-hangzhou:\(other):function:demo:echo:LATEST", projectID: other)
            Issue.record("accepted")
        } catch {
            #expect(error.code == "FSS.1128")
        }
        do throws(TracingAPIError) {
            _ = try target("urn:fss:cn-hangzhou:\(other):function:demo:echo:LATEST", projectID: "abc")
            Issue.record("accepted")
        } catch {
            #expect(error == .invalidParameter("project_id must be 32 letters or digits"))
        }
    }

    @Test func bodies() throws {
        let on = try TracingConfigurationBody(json: Data(#"{"tracing_ak": "ak", "tracing_sk": "sk", "other": 1}"#.utf8))
        #expect(on.settings == TracingSettings(accessKey: "ak", secretKey: "sk"))
        #expect(try TracingConfigurationBody(json: Data(#"{"tracing_ak": "", "tracing_sk": null}"#.utf8)).settings == nil)
        for bad in ["", "null", "[]", #"{"tracing_ak": "ak"}"#, #"{"tracing_ak": ["x"], "tracing_sk": "s"}"#, #"{"tracing_ak": "a:b", "tracing_sk": "s"}"#] {
            #expect(throws: TracingAPIError.self, "\(bad)") { try TracingConfigurationBody(json: Data(bad.utf8)) }
        }
        #expect("\(on)" == "TracingConfigurationBody(******)")
    }

    @Test func settingsAndCredentialsNeverDescribeTheirKeys() {
        let settings = TracingSettings(accessKey: "the-ak", secretKey: "the-sk")
        let record = TracingConfigurationRecord(service: "demo", function: "echo", accessKey: "the-ak", secretKey: "the-sk", updatedAt: 1)
        let credentials = BasicCredentials(authorization: settings.basicAuthorization)
        var dumped = ""
        dump(settings, to: &dumped)
        dump(record, to: &dumped)
        dump(credentials, to: &dumped)
        let texts = [
            "\(settings)", String(reflecting: settings), "\(record)", String(reflecting: record), "\(String(describing: credentials))",
            String(reflecting: credentials), dumped,
        ]
        for text in texts {
            #expect(!text.contains("the-sk") && !text.contains("the-ak"), "\(text)")
        }
        #expect("\(record)".contains("demo/echo"))
        #expect(settings.environment == ["SWIFT_FC_TRACING_AK": "the-ak", "SWIFT_FC_TRACING_SK": "the-sk"])
    }

    @Test func basicCredentials() throws {
        let settings = TracingSettings(accessKey: "ak", secretKey: "s:k")
        #expect(settings.basicAuthorization == "Basic " + Data("ak:s:k".utf8).base64EncodedString())
        let parsed = try #require(BasicCredentials(authorization: settings.basicAuthorization))
        #expect(parsed.user == "ak" && parsed.password == "s:k")
        #expect(settings.accepts(parsed))
        #expect(BasicCredentials(authorization: "basic " + Data("ak:s:k".utf8).base64EncodedString()).map(settings.accepts) == true)
        #expect(BasicCredentials(authorization: "Basic " + Data("ak:s".utf8).base64EncodedString()).map(settings.accepts) == false)
        #expect(BasicCredentials(authorization: "Basic " + Data("ak2:s:k".utf8).base64EncodedString()).map(settings.accepts) == false)
        for malformed in [nil, "", "Basic", "Bearer abc", "Basic !!!", "Basic " + Data("no-colon".utf8).base64EncodedString()] as [String?] {
            #expect(BasicCredentials(authorization: malformed) == nil, "\(malformed ?? "nil")")
        }
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equal("token", "token"))
        #expect(ConstantTime.equal("", ""))
        for other in ["", "toke", "tokens", "Token", "tokem"] { #expect(!ConstantTime.equal(other, "token"), "\(other)") }
        #expect(!ConstantTime.equal("x", ""))
    }

    @Test func traceIDsAndApplications() {
        #expect(TraceID.normalized("ABC") == String(repeating: "0", count: 29) + "abc")
        #expect(TraceID.normalized(String(repeating: "f", count: 32)) == String(repeating: "f", count: 32))
        for bad in ["", "xyz", "0x1", String(repeating: "1", count: 33)] { #expect(TraceID.normalized(bad) == nil) }
        #expect(SpanCollectorEndpoint.functionKey(application: "FC:demo/echo") == FunctionKey(service: "demo", function: "echo"))
        for bad in ["demo/echo", "FC:demo", "FC:/echo", "FC:demo/", "FC:a/b/c"] { #expect(SpanCollectorEndpoint.functionKey(application: bad) == nil) }
        #expect(PlatformStore.TraceFilter(service: nil, function: "echo").applicationPattern == "FC:*/echo")
        #expect(PlatformStore.TraceFilter(service: "a*", function: nil).applicationPattern == "FC:a[*]/*")
    }
}
