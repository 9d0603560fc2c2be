import Testing

@testable import FCRuntime

@Suite struct RuntimeConfigurationTests {
    @Test func portPrefersFC3ThenFC2ThenDefault() throws {
        #expect(try RuntimeConfiguration.fromEnvironment([:]).port == 9000)
        #expect(try RuntimeConfiguration.fromEnvironment(["FC_SERVER_PORT": "9001"]).port == 9001)
        #expect(try RuntimeConfiguration.fromEnvironment(["FC_SERVER_PORT": "9001", "FC_CUSTOM_LISTEN_PORT": "9002"]).port == 9002)
        #expect(try RuntimeConfiguration.fromEnvironment(["FC_SERVER_PORT": "9001", "FC_CUSTOM_LISTEN_PORT": ""]).port == 9001)
    }

    @Test(arguments: [
        ["FC_SERVER_PORT": "abc"], ["FC_SERVER_PORT": "70000"], ["FC_CUSTOM_LISTEN_PORT": "-1"],
        ["SWIFT_FC_DEFAULT_TIMEOUT": "0"], ["SWIFT_FC_LOG_LEVEL": "loud"], ["SWIFT_FC_IDLE_TIMEOUT": "x"],
    ])
    func invalidValuesNameTheVariable(environment: [String: String]) {
        #expect {
            try RuntimeConfiguration.fromEnvironment(environment)
        } throws: { error in
            (error as? ConfigurationError).map { "\($0)".contains(environment.keys.first!) } ?? false
        }
    }

    @Test func readsTheRuntimeSwitches() throws {
        let configuration = try RuntimeConfiguration.fromEnvironment([
            "SWIFT_FC_DEFAULT_TIMEOUT": "3", "SWIFT_FC_LOG_LEVEL": "DEBUG", "SWIFT_FC_IDLE_TIMEOUT": "5",
        ])
        #expect(configuration.defaultTimeout == .seconds(3))
        #expect(configuration.logLevel == .debug)
        #expect(configuration.idleConnectionTimeout == .seconds(5))
    }
}

@Suite struct TracingConfigurationTests {
    @Test func readsTheTracingVariables() throws {
        let configuration = try RuntimeConfiguration.fromEnvironment([
            "SWIFT_FC_TRACING_ENDPOINT": "http://collector:14268/api/traces", "SWIFT_FC_TRACING_PROTOCOL": "OTLP",
            "SWIFT_FC_TRACING_AK": "ak", "SWIFT_FC_TRACING_SK": "sk", "SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "2.5",
            "SWIFT_FC_TRACING_FLUSH_TIMEOUT": "0.5", "SWIFT_FC_TRACING_QUEUE_SIZE": "10",
        ]).tracing
        #expect(configuration.endpoint?.value == "http://collector:14268/api/traces")
        #expect(configuration.wireProtocol == .otlpJSON)
        #expect(configuration.accessKey == "ak" && configuration.secretKey?.value == "sk")
        #expect(configuration.samplesPerSecond == 2.5)
        #expect(configuration.flushTimeout == .milliseconds(500))
        #expect(configuration.queueCapacity == 10)
        let defaults = try RuntimeConfiguration.fromEnvironment([:]).tracing
        #expect(defaults.endpoint == nil && defaults.wireProtocol == .jaegerThrift && defaults.samplesPerSecond == 1)
        #expect(defaults.flushTimeout == .seconds(2))
    }

    @Test func anInvalidEndpointOrALoneKeyIsRefusedWithoutPrintingTheValue() {
        for (env, variable) in [
            (["SWIFT_FC_TRACING_ENDPOINT": "tcp://secret-host:1/api/traces"], "SWIFT_FC_TRACING_ENDPOINT"),
            (["SWIFT_FC_TRACING_SK": "secret-key-value"], "SWIFT_FC_TRACING_AK"),
        ] {
            do {
                _ = try RuntimeConfiguration.fromEnvironment(env)
                Issue.record("accepted \(env.keys)")
            } catch {
                #expect(error.variable == variable)
                #expect(!error.description.contains("secret"))
            }
        }
        #expect(throws: ConfigurationError.self) { try RuntimeConfiguration.fromEnvironment(["SWIFT_FC_TRACING_PROTOCOL": "zipkin"]) }
        #expect(throws: ConfigurationError.self) {
            try RuntimeConfiguration.fromEnvironment(["SWIFT_FC_TRACING_SAMPLES_PER_SECOND": "-1"])
        }
    }
}
