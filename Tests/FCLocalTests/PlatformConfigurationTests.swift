import Testing

@testable import fc_local

/// The configuration file of `fc-local start`: FC's setting names, defaults, and clear errors for mistakes.
struct PlatformConfigurationTests {
    @Test func readsFCSettingsAndDefaults() throws {
        let functions = try PlatformConfigurationFile.parse(
            """
            functions:
              - service: demo
                name: echo
                product: conformance-function
                handler: echo
                memorySize: 256
                timeout: 2.5
                instanceConcurrency: 4
                maxInstances: 2
                idleTimeout: 30
                initializer: index.init
                instanceLifecycleConfig:
                  preFreeze: {handler: index.freeze, timeout: 2}
                  preStop: {handler: index.stop}
                environmentVariables: {GREETING: hi, COUNT: 3}
              - {service: demo, name: other, command: "python3 app.py"}
            """, source: "test.yaml")
        #expect(functions.count == 2)
        let echo = functions[0]
        #expect(echo.key == FunctionKey(service: "demo", function: "echo"))
        #expect(echo.source == .product("conformance-function"))
        #expect(echo.memoryMB == 256 && echo.timeoutSeconds == 2.5 && echo.instanceConcurrency == 4 && echo.maxInstances == 2)
        #expect(echo.initializer == "index.init" && echo.initializationTimeoutSeconds == 2.5)
        #expect(echo.preFreeze == .init(handler: "index.freeze", timeoutSeconds: 2))
        #expect(echo.preStop == .init(handler: "index.stop", timeoutSeconds: 3))
        #expect(echo.environment == ["GREETING": "hi", "COUNT": "3"])
        let other = functions[1]
        #expect(other.source == .command("python3 app.py"))
        #expect(other.memoryMB == 512 && other.timeoutSeconds == 60 && other.instanceConcurrency == 1 && other.maxInstances == 10)
    }

    @Test func acceptsJSON() throws {
        let functions = try PlatformConfigurationFile.parse(#"{"functions": [{"service": "s", "name": "f", "codeUri": "dist/f"}]}"#, source: "c.json")
        #expect(functions.first?.source == .codeDirectory("dist/f"))
    }

    @Test(arguments: [
        ("functions: []", "non-empty list"),
        ("functions:\n  - {service: s, name: f, memory: 128}", "unknown key `memory`"),
        ("functions:\n  - {service: s, name: '9f'}", "must be 1-128 letters"),
        ("functions:\n  - {service: s}", "name is required"),
        ("functions:\n  - {service: s, name: f, timeout: 0}", "timeout must be a number above 0"),
        ("functions:\n  - {service: s, name: f, timeout: 1e17}", "at most 86400"),
        ("functions:\n  - {service: s, name: f, instanceConcurrency: 201}", "from 1 to 200"),
        ("functions:\n  - {service: s, name: f, maxInstances: 1.5}", "maxInstances must be a whole number from 1 to 1000"),
        ("functions:\n  - {service: s, name: f, product: a, command: b}", "only one of product"),
        ("functions:\n  - {service: s, name: f}\n  - {service: s, name: f}", "declared twice"),
        ("functions: [", "not valid YAML"),
        ("- a\n- b", "expected a mapping"),
    ])
    func rejectsMistakesClearly(text: String, expected: String) {
        do {
            _ = try PlatformConfigurationFile.parse(text, source: "bad.yaml")
            Issue.record("accepted: \(text)")
        } catch let error as LocalError {
            #expect(error.message.contains(expected), "\(error.message)")
            #expect(error.message.hasPrefix("bad.yaml"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
