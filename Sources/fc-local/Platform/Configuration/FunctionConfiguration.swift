import Foundation

/// One function `fc-local start` serves, as declared in the configuration file (FC's function settings, by FC's
/// names where FC has one).
struct FunctionConfiguration: Sendable, Equatable {
    /// Where the function's process comes from.
    enum Source: Sendable, Equatable {
        /// An executable product of the package fc-local runs in.
        case product(String)
        /// A custom-runtime code directory holding `bootstrap`.
        case codeDirectory(String)
        /// Any command serving the contract (`/bin/sh -c 'exec …'`).
        case command(String)
    }

    /// A lifecycle hook FC calls when configured (`instanceLifecycleConfig`).
    struct Hook: Sendable, Equatable {
        let handler: String
        let timeoutSeconds: Double
    }

    let service: String
    let name: String
    let source: Source
    let handler: String
    let initializer: String?
    let initializationTimeoutSeconds: Double
    let preFreeze: Hook?
    let preStop: Hook?
    let memoryMB: Int
    let timeoutSeconds: Double
    /// Invocations one instance serves at once.
    let instanceConcurrency: Int
    /// Instances that may run at once; a request finding all of them busy is throttled (429).
    let maxInstances: Int
    /// An instance idle this long gets `/pre-stop` and SIGTERM.
    let idleTimeoutSeconds: Double
    /// Added to FC's environment for every instance.
    let environment: [String: String]

    /// `service/function`, the key under which records and settings are kept.
    var key: FunctionKey { FunctionKey(service: service, function: name) }
}

/// A function's identity on the platform: its service and its name.
struct FunctionKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    let service: String
    let function: String

    var description: String { "\(service)/\(function)" }

    /// The application name FC gives the function's traces.
    var applicationName: String { "FC:\(service)/\(function)" }

    static func < (a: FunctionKey, b: FunctionKey) -> Bool { a.description < b.description }
}
