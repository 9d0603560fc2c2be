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
