#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging

/// The runtime's settings, read once at start from the environment: `FC_*` variables set by the platform and
/// `SWIFT_FC_*` variables for this runtime's own switches (users may not define `FC_*` variables, CONTRACT §1).
public struct RuntimeConfiguration: Sendable {
    /// The TCP port: `FC_CUSTOM_LISTEN_PORT`, else `FC_SERVER_PORT`, else 9000. 0 picks a free port.
    public var port: Int
    /// Invocation timeout used when a request has no valid `x-fc-function-timeout` (`SWIFT_FC_DEFAULT_TIMEOUT`, s).
    public var defaultTimeout: Duration
    /// Minimum level of application log lines (`SWIFT_FC_LOG_LEVEL`: trace, debug, info, notice, warning, error).
    public var logLevel: Logger.Level
    /// Largest accepted request body; larger ones get 413 (CONTRACT §2: 32 MB for synchronous invocations).
    public var maxBodyBytes: Int
    /// How long a keep-alive connection may stay idle before the runtime closes it (`SWIFT_FC_IDLE_TIMEOUT`, s);
    /// also how long a request body arriving in parts may take (counted from its second part) before a 408.
    public var idleConnectionTimeout: Duration
    /// How long shutdown waits for in-flight invocations after SIGTERM before giving up.
    public var shutdownTimeout: Duration
    /// Whether each invocation writes its `FCInsights` record (`SWIFT_FC_REQUEST_METRICS`, default true).
    public var requestMetrics: Bool
    /// The `FCInstanceMetrics` period (`SWIFT_FC_INSTANCE_METRICS_INTERVAL`, s; 0 turns the record off).
    public var instanceMetricsInterval: Duration
    /// How FC sizes CPU for the instance when no cgroup quota is set (`SWIFT_FC_INSTANCE_TYPE`).
    public var provisionedInstance: Bool
    /// Span export and sampling (`SWIFT_FC_TRACING_*`).
    public var tracing: TracingConfiguration
    /// The platform's own variables.
    public var platform: PlatformEnvironment

    /// Creates a configuration with explicit values (the defaults are the documented ones).
    public init(
        port: Int = 9000,
        defaultTimeout: Duration = .seconds(60),
        logLevel: Logger.Level = .info,
        maxBodyBytes: Int = 32 * 1024 * 1024,
        idleConnectionTimeout: Duration = .seconds(600),
        shutdownTimeout: Duration = .seconds(30),
        requestMetrics: Bool = true,
        instanceMetricsInterval: Duration = .seconds(10),
        provisionedInstance: Bool = false,
        tracing: TracingConfiguration = .init(),
        platform: PlatformEnvironment = .init()
    ) {
        self.tracing = tracing
        self.requestMetrics = requestMetrics
        self.instanceMetricsInterval = instanceMetricsInterval
        self.provisionedInstance = provisionedInstance
        self.port = port
        self.defaultTimeout = defaultTimeout
        self.logLevel = logLevel
        self.maxBodyBytes = maxBodyBytes
        self.idleConnectionTimeout = idleConnectionTimeout
        self.shutdownTimeout = shutdownTimeout
        self.platform = platform
    }

    /// Reads the process environment; an invalid value throws a ``ConfigurationError`` naming the variable.
    public static func fromEnvironment() throws(ConfigurationError) -> RuntimeConfiguration {
        try fromEnvironment(ProcessInfo.processInfo.environment)
    }

    /// Reads the given variables (empty values count as unset).
    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> RuntimeConfiguration {
        let env = environment.filter { !$0.value.isEmpty }
        var configuration = RuntimeConfiguration(platform: PlatformEnvironment(env))
        if let (name, value) = [("FC_CUSTOM_LISTEN_PORT", env["FC_CUSTOM_LISTEN_PORT"]), ("FC_SERVER_PORT", env["FC_SERVER_PORT"])]
            .first(where: { $0.1 != nil }).map({ ($0.0, $0.1!) })
        {
            guard let port = Int(value), (0...65535).contains(port) else {
                throw ConfigurationError(variable: name, value: value, expected: "a TCP port number from 0 to 65535")
            }
            configuration.port = port
        }
        if let value = env["SWIFT_FC_DEFAULT_TIMEOUT"] {
            guard let seconds = Double(value), seconds > 0, seconds <= 86_400 else {
                throw ConfigurationError(variable: "SWIFT_FC_DEFAULT_TIMEOUT", value: value, expected: "seconds, more than 0 and at most 86400")
            }
            configuration.defaultTimeout = .milliseconds(max(1, Int64(seconds * 1000)))  // never a zero timeout
        }
        if let value = env["SWIFT_FC_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw ConfigurationError(
                    variable: "SWIFT_FC_LOG_LEVEL", value: value, expected: "one of trace, debug, info, notice, warning, error, critical")
            }
            configuration.logLevel = level
        }
        if let value = env["SWIFT_FC_IDLE_TIMEOUT"] {
            guard let seconds = Int(value), seconds > 0 else {
                throw ConfigurationError(variable: "SWIFT_FC_IDLE_TIMEOUT", value: value, expected: "whole seconds, more than 0")
            }
            configuration.idleConnectionTimeout = .seconds(seconds)
        }
        if let value = env["SWIFT_FC_REQUEST_METRICS"] {
            switch value.lowercased() {
            case "true", "1", "on", "yes": configuration.requestMetrics = true
            case "false", "0", "off", "no": configuration.requestMetrics = false
            default: throw ConfigurationError(variable: "SWIFT_FC_REQUEST_METRICS", value: value, expected: "true or false")
            }
        }
        if let value = env["SWIFT_FC_INSTANCE_METRICS_INTERVAL"] {
            guard let seconds = Int(value), seconds >= 0 else {
                throw ConfigurationError(variable: "SWIFT_FC_INSTANCE_METRICS_INTERVAL", value: value, expected: "whole seconds, 0 to turn off")
            }
            configuration.instanceMetricsInterval = .seconds(seconds)
        }
        if let value = env["SWIFT_FC_INSTANCE_TYPE"] {
            switch value.lowercased() {
            case "on-demand", "ondemand": configuration.provisionedInstance = false
            case "provisioned": configuration.provisionedInstance = true
            default: throw ConfigurationError(variable: "SWIFT_FC_INSTANCE_TYPE", value: value, expected: "on-demand or provisioned")
            }
        }
        configuration.tracing = try TracingConfiguration.fromEnvironment(env)
        return configuration
    }
}

/// The variables Function Compute sets for every instance (CONTRACT §1); used where a request header is missing.
public struct PlatformEnvironment: Sendable, Hashable {
    /// `FC_FUNCTION_NAME`.
    public var functionName: String
    /// `FC_FUNCTION_HANDLER`.
    public var functionHandler: String
    /// `FC_FUNCTION_MEMORY_SIZE` in MB, when set and numeric.
    public var memoryMB: Int?
    /// `FC_SERVICE_NAME` (FC 2.0).
    public var serviceName: String
    /// `FC_QUALIFIER`.
    public var qualifier: String
    /// `FC_VERSION_ID`, else `FC_FUNCTION_VERSION`.
    public var versionID: String
    /// `FC_REGION`.
    public var region: String
    /// `FC_ACCOUNT_ID`.
    public var accountID: String
    /// `FC_INSTANCE_ID`.
    public var instanceID: String

    /// Creates the values from a variable dictionary (the process environment by default).
    public init(_ environment: [String: String] = ProcessInfo.processInfo.environment) {
        functionName = environment["FC_FUNCTION_NAME"] ?? ""
        functionHandler = environment["FC_FUNCTION_HANDLER"] ?? ""
        memoryMB = environment["FC_FUNCTION_MEMORY_SIZE"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        serviceName = environment["FC_SERVICE_NAME"] ?? ""
        qualifier = environment["FC_QUALIFIER"] ?? ""
        versionID = environment["FC_VERSION_ID"] ?? environment["FC_FUNCTION_VERSION"] ?? ""
        region = environment["FC_REGION"] ?? ""
        accountID = environment["FC_ACCOUNT_ID"] ?? ""
        instanceID = environment["FC_INSTANCE_ID"] ?? ""
    }
}

/// A configuration variable held a value the runtime cannot use; the runtime refuses to start.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The variable's name.
    public let variable: String
    /// The value found.
    public let value: String
    /// What a valid value looks like.
    public let expected: String

    /// Whether the value is confidential (an endpoint or a key) and must not be printed.
    public let isConfidential: Bool

    /// An error about a value that may be printed.
    public init(variable: String, value: String, expected: String) {
        self.variable = variable
        self.value = value
        self.expected = expected
        self.isConfidential = false
    }

    /// An error about a confidential value: the message names the variable only.
    public init(variable: String, confidentialValueExpected expected: String) {
        self.variable = variable
        self.value = ""
        self.expected = expected
        self.isConfidential = true
    }

    /// `FC_SERVER_PORT="abc" is invalid: expected …` (without the value when it is confidential).
    public var description: String {
        isConfidential
            ? "\(variable) is invalid: expected \(expected)"
            : "\(variable)=\"\(LineText.excerpt(value))\" is invalid: expected \(expected)"
    }
}
