import Foundation

/// The platform's side of the contract (CONTRACT §1–§2) for one function: the environment its instances start
/// with and the headers every call carries. Shared by `fc-local invoke` and `fc-local start`.
struct PlatformContract: Sendable {
    var service: String
    var function: String
    var handler: String
    var initializer: String?
    var initializationTimeoutSeconds: Double
    var preFreezeHandler: String?
    var preStopHandler: String?
    var memoryMB: Int
    var timeoutSeconds: Double
    var region: String
    var qualifier = "LATEST"
    var accountID: String

    /// FC's environment for an instance; the user's own `FC_*` variables are not passed on (FC forbids them).
    func environment(port: Int, instanceID: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FC_") }
        for (name, value) in extra where !name.hasPrefix("FC_") { environment[name] = value }
        environment["FC_SERVER_PORT"] = String(port)
        environment["FC_CUSTOM_LISTEN_PORT"] = String(port)
        environment["FC_FUNC_CODE_PATH"] = FileManager.default.currentDirectoryPath
        environment["FC_FUNCTION_NAME"] = function
        environment["FC_FUNCTION_HANDLER"] = handler
        environment["FC_FUNCTION_MEMORY_SIZE"] = String(memoryMB)
        environment["FC_SERVICE_NAME"] = service
        environment["FC_QUALIFIER"] = qualifier
        environment["FC_REGION"] = region
        environment["FC_ACCOUNT_ID"] = accountID
        environment["FC_INSTANCE_ID"] = instanceID
        return environment
    }

    /// The headers FC sends with every call (CONTRACT §2), credentials from the user's `ALIBABA_CLOUD_*` variables.
    /// `retryCount` is the attempt's number minus one (async invocations are retried).
    func headers(requestID: String, controlPath: String, retryCount: Int = 0) -> [(String, String)] {
        let environment = ProcessInfo.processInfo.environment
        return [
            ("x-fc-request-id", requestID),
            ("x-fc-control-path", controlPath),
            ("x-fc-function-name", function),
            ("x-fc-function-handler", handler),
            ("x-fc-function-memory", String(memoryMB)),
            ("x-fc-function-timeout", Self.seconds(timeoutSeconds)),
            ("x-fc-function-initializer", initializer ?? ""),
            ("x-fc-initialization-timeout", Self.seconds(initializationTimeoutSeconds)),
            ("x-fc-instance-lifecycle-pre-freeze-handler", preFreezeHandler ?? ""),
            ("x-fc-instance-lifecycle-pre-stop-handler", preStopHandler ?? ""),
            ("x-fc-region", region),
            ("x-fc-account-id", accountID),
            ("x-fc-qualifier", qualifier),
            ("x-fc-version-id", ""),
            ("x-fc-service-name", service),
            ("x-fc-service-logproject", ""),
            ("x-fc-service-logstore", ""),
            ("x-fc-retry-count", String(retryCount)),
            ("x-fc-access-key-id", environment["ALIBABA_CLOUD_ACCESS_KEY_ID"] ?? ""),
            ("x-fc-access-key-secret", environment["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] ?? ""),
            ("x-fc-security-token", environment["ALIBABA_CLOUD_SECURITY_TOKEN"] ?? ""),
        ].filter { !$0.1.isEmpty || $0.0 == "x-fc-function-handler" }
    }

    /// Whole seconds without a fraction, as FC writes them.
    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
