import HTTPTypes
import Testing

@testable import FCRuntime

@Suite struct ContextParserTests {
    private func header(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }

    private func parse(
        _ fields: [String: String], environment: [String: String] = [:], isColdStart: Bool = false
    ) throws -> (FCContext, CollectingLineOutput) {
        let output = CollectingLineOutput()
        let configuration = try RuntimeConfiguration.fromEnvironment(environment)
        var headers = HTTPFields()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { headers.append(HTTPField(name: header(name), value: value)) }
        return (ContextParser(configuration: configuration, output: output).context(from: headers, isColdStart: isColdStart), output)
    }

    static let allHeaders: [String: String] = [
        "x-fc-request-id": "req-1",
        "x-fc-access-key-id": "AKID",
        "x-fc-access-key-secret": "TOP-SECRET-KEY",
        "x-fc-security-token": "TOP-SECRET-TOKEN",
        "x-fc-function-name": "fn",
        "x-fc-function-handler": "index.echo",
        "x-fc-function-memory": "512",
        "x-fc-function-timeout": "7",
        "x-fc-function-initializer": "index.init",
        "x-fc-initialization-timeout": "11",
        "x-fc-region": "cn-hangzhou",
        "x-fc-account-id": "1234",
        "x-fc-qualifier": "prod",
        "x-fc-version-id": "3",
        "x-fc-service-name": "svc",
        "x-fc-service-logproject": "proj",
        "x-fc-service-logstore": "store",
        "x-fc-retry-count": "2",
        "x-fc-client-ip": "10.0.0.1",
        "x-fc-base-path": "/2016-08-15/proxy/svc/fn/",
        "x-fc-tracing-opentracing-span-context": "abc:def:0:1",
        // base64 of {"a":"1","b":"2"}
        "x-fc-tracing-opentracing-span-baggages": "eyJhIjoiMSIsImIiOiIyIn0=",
        "x-fc-tracing-opentracing-span-context-baggage-b": "override",
        "x-fc-tracing-opentracing-span-context-baggage-c": "3",
        "x-fc-tracing-jaeger-endpoint": "http://secret-collector.example/api/traces",
    ]

    @Test func readsEveryHeader() throws {
        let before = ContinuousClock.now
        let (context, output) = try parse(Self.allHeaders, environment: ["FC_INSTANCE_ID": "inst-9"], isColdStart: true)
        #expect(context.requestID == "req-1")
        #expect(context.credentials.accessKeyID == "AKID")
        #expect(context.credentials.accessKeySecret.value == "TOP-SECRET-KEY")
        #expect(context.credentials.securityToken.value == "TOP-SECRET-TOKEN")
        #expect(context.function == FunctionInfo(
            name: "fn", handler: "index.echo", memoryMB: 512, timeout: .seconds(7), initializer: "index.init",
            initializationTimeout: .seconds(11)))
        #expect(context.service == ServiceInfo(name: "svc", logProject: "proj", logStore: "store", qualifier: "prod", versionID: "3"))
        #expect(context.region == "cn-hangzhou")
        #expect(context.accountID == "1234")
        #expect(context.retryCount == 2)
        #expect(context.instanceID == "inst-9")
        #expect(context.clientIP == "10.0.0.1")
        #expect(context.basePath == "/2016-08-15/proxy/svc/fn/")
        #expect(context.isColdStart)
        #expect(context.tracing.openTracingSpanContext == "abc:def:0:1")
        #expect(context.tracing.openTracingSpanBaggages == ["a": "1", "b": "override", "c": "3"])
        #expect(context.tracing.jaegerEndpoint.value == "http://secret-collector.example/api/traces")
        #expect(context.tracing.spanContext?.traceIDLow == 0xabc)
        #expect(context.tracing.spanContext?.spanID == 0xdef)
        #expect(context.deadline >= before.advanced(by: .seconds(7)))
        #expect(context.remainingTime <= .seconds(7))
        #expect(context.headerWarnings.isEmpty)
        #expect(output.lines.isEmpty)
    }

    @Test func missingHeadersGiveDefaultsAndPlatformEnvironment() throws {
        let environment = [
            "FC_FUNCTION_NAME": "env-fn", "FC_SERVICE_NAME": "env-svc", "FC_FUNCTION_MEMORY_SIZE": "256", "FC_REGION": "cn-shanghai",
            "FC_ACCOUNT_ID": "99", "FC_QUALIFIER": "", "FC_FUNCTION_VERSION": "5", "FC_FUNCTION_HANDLER": "main.h",
        ]
        let (context, _) = try parse([:], environment: environment)
        #expect(!context.requestID.isEmpty)
        #expect(context.function == FunctionInfo(name: "env-fn", handler: "main.h", memoryMB: 256, timeout: .seconds(60), initializationTimeout: .seconds(60)))
        #expect(context.service == ServiceInfo(name: "env-svc", qualifier: "LATEST", versionID: "5"))
        #expect(context.region == "cn-shanghai")
        #expect(context.accountID == "99")
        #expect(context.retryCount == 0)
        #expect(context.credentials.isEmpty)
        #expect(!context.tracing.isPresent)
        #expect(context.tracing.spanContext == nil)
        #expect(context.headerWarnings.isEmpty)
    }

    @Test func withoutHeaderOrEnvironmentTheMemoryIs128AndTheTimeoutTheConfiguredDefault() throws {
        let (context, _) = try parse([:], environment: ["SWIFT_FC_DEFAULT_TIMEOUT": "2.5"])
        #expect(context.function.memoryMB == 128)
        #expect(context.function.timeout == .milliseconds(2500))
    }

    @Test func generatedRequestIDsAreUnique() throws {
        let (first, _) = try parse([:])
        let (second, _) = try parse([:])
        #expect(first.requestID != second.requestID)
    }

    @Test(arguments: [
        ("x-fc-function-memory", "abc"), ("x-fc-function-memory", "0"), ("x-fc-function-memory", "-5"),
        ("x-fc-function-timeout", "soon"), ("x-fc-function-timeout", "0"), ("x-fc-function-timeout", "1e9"),
        ("x-fc-function-timeout", "nan"), ("x-fc-initialization-timeout", "x"), ("x-fc-retry-count", "-1"),
        ("x-fc-retry-count", "two"), ("x-fc-tracing-opentracing-span-context", "not-a-context"),
        ("x-fc-tracing-opentracing-span-context", "0:1:0:1"), ("x-fc-tracing-opentracing-span-baggages", "%%%not base64"),
        ("x-fc-tracing-opentracing-span-baggages", "WzEsMl0="),  // base64 of [1,2]: not an object
    ])
    func anUnparsableHeaderGivesTheDefaultAndOneWarning(name: String, value: String) throws {
        let (context, _) = try parse([name: value, "x-fc-request-id": "r"])
        #expect(context.headerWarnings.count == 1)
        #expect(context.headerWarnings.first?.contains(name) == true)
        #expect(context.function.memoryMB == 128)
        #expect(context.function.timeout == .seconds(60))
        #expect(context.retryCount == 0)
        #expect(context.tracing.spanContext == nil)
        #expect(context.tracing.openTracingSpanBaggages.isEmpty)
    }

    /// Plain digits take a fast path; every other form must still parse exactly as the general parsers read it.
    @Test(arguments: [
        ("512", 512, 7.0, "7"), (" 512\t", 512, 7.0, "\t7 "), ("0512", 512, 90.0, "090"), ("+512", 512, 1.5, "1.5"),
        ("999999999999999999", 999_999_999_999_999_999, 0.25, " 0.25 "), ("1024", 1024, 86_400.0, "86400"),
    ])
    func wholeNumbersParseTheSameOnEveryPath(memory: String, expectedMB: Int, expectedSeconds: Double, timeout: String) throws {
        let (context, _) = try parse(["x-fc-function-memory": memory, "x-fc-function-timeout": timeout])
        #expect(context.headerWarnings.isEmpty)
        #expect(context.function.memoryMB == expectedMB)
        #expect(context.function.timeout == .milliseconds(Int64(expectedSeconds * 1000)))
    }

    @Test(arguments: ["9999999999999999999", "12345678901234567890", "5 5", "5x", "٥", "0x10"])
    func malformedOrOverflowingNumbersAreStillRejected(memory: String) throws {
        let (context, _) = try parse(["x-fc-function-memory": memory])
        #expect(context.headerWarnings.count == 1)
        #expect(context.function.memoryMB == 128)
    }

    @Test func warningsQuoteOnlyAnEscapedExcerptOfTheValue() throws {
        let (context, _) = try parse(["x-fc-function-memory": String(repeating: "9z", count: 500)])
        let warning = try #require(context.headerWarnings.first)
        #expect(warning.count < 200)
    }

    @Test func baggageAcceptsUnpaddedBase64AndNonStringScalars() throws {
        // {"n":5,"ok":true,"s":"x"} without padding
        let (context, _) = try parse(["x-fc-tracing-opentracing-span-baggages": "eyJuIjo1LCJvayI6dHJ1ZSwicyI6IngifQ"])
        #expect(context.tracing.openTracingSpanBaggages == ["n": "5", "ok": "true", "s": "x"])
    }

    @Test func secretsNeverAppearInDescriptionsOrDumps() throws {
        let (context, _) = try parse(Self.allHeaders)
        var dumped = ""
        dump(context, to: &dumped)
        for text in [context.description, "\(context)", String(reflecting: context), dumped, "\(context.credentials)", "\(context.tracing)"] {
            #expect(!text.contains("TOP-SECRET-KEY"))
            #expect(!text.contains("TOP-SECRET-TOKEN"))
            #expect(!text.contains("secret-collector"))
        }
        #expect(context.description.contains("AKID"))
        #expect(context.description.contains("******"))
    }
}
