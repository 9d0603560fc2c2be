import Foundation
import Yams

/// Reads `fc-local.yaml` (or JSON, which is YAML too): a list of functions with FC's settings.
///
/// ```yaml
/// functions:
///   - service: demo
///     name: echo
///     product: conformance-function      # or codeUri: dist/echo, or command: "python3 app.py"
///     handler: echo
///     memorySize: 256
///     timeout: 10
///     instanceConcurrency: 4
///     maxInstances: 2
/// ```
/// Unknown keys are errors (a misspelt `memory:` would otherwise be silently ignored).
enum PlatformConfigurationFile {
    /// Defaults for settings a function leaves out.
    enum Defaults {
        static let handler = "index.handler"
        static let memoryMB = 512
        static let timeoutSeconds = 60.0
        static let instanceConcurrency = 1
        static let maxInstances = 10
        static let idleTimeoutSeconds = 300.0
        static let hookTimeoutSeconds = 3.0
    }

    /// The function served when no configuration file is given: the bundled `hello` as `default/hello`.
    static let bundledDefault = FunctionConfiguration(
        service: "default", name: "hello", source: .product("hello"), handler: Defaults.handler, initializer: nil,
        initializationTimeoutSeconds: Defaults.timeoutSeconds, preFreeze: nil, preStop: nil, memoryMB: Defaults.memoryMB,
        timeoutSeconds: Defaults.timeoutSeconds, instanceConcurrency: Defaults.instanceConcurrency,
        maxInstances: Defaults.maxInstances, idleTimeoutSeconds: Defaults.idleTimeoutSeconds, environment: [:])

    static func load(path: String) throws -> [FunctionConfiguration] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LocalError.usage("cannot read the configuration file \(path)")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    static func parse(_ text: String, source: String) throws -> [FunctionConfiguration] {
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            throw LocalError.usage("\(source) is not valid YAML or JSON: \(error)")
        }
        guard let root = document as? [String: Any] else { throw LocalError.usage("\(source): expected a mapping with `functions:`") }
        try checkKeys(root, allowed: ["functions"], in: source)
        guard let list = root["functions"] as? [Any], !list.isEmpty else {
            throw LocalError.usage("\(source): `functions` must be a non-empty list")
        }
        let functions = try list.enumerated().map { index, item in
            guard let fields = item as? [String: Any] else { throw LocalError.usage("\(source): functions[\(index)] is not a mapping") }
            return try function(FieldReader(fields: fields, place: "\(source): functions[\(index)]"))
        }
        var seen = Set<FunctionKey>()
        for function in functions where !seen.insert(function.key).inserted {
            throw LocalError.usage("\(source): the function \(function.key) is declared twice")
        }
        return functions
    }

    private static let functionKeys: Set<String> = [
        "service", "name", "product", "codeUri", "command", "handler", "initializer", "initializationTimeout",
        "instanceLifecycleConfig", "memorySize", "timeout", "instanceConcurrency", "maxInstances", "idleTimeout",
        "environmentVariables",
    ]

    private static func function(_ fields: FieldReader) throws -> FunctionConfiguration {
        try checkKeys(fields.fields, allowed: functionKeys, in: fields.place)
        let service = try fields.name("service")
        let name = try fields.name("name")
        let sources: [FunctionConfiguration.Source] = [
            try fields.string("product").map { .product($0) },
            try fields.string("codeUri").map { .codeDirectory($0) },
            try fields.string("command").map { .command($0) },
        ].compactMap { $0 }
        guard sources.count <= 1 else { throw LocalError.usage("\(fields.place): use only one of product, codeUri and command") }
        let timeout = try fields.positiveNumber("timeout", atMost: 86_400) ?? Defaults.timeoutSeconds
        var preFreeze: FunctionConfiguration.Hook?, preStop: FunctionConfiguration.Hook?
        if let lifecycle = fields.fields["instanceLifecycleConfig"] {
            guard let hooks = lifecycle as? [String: Any] else { throw LocalError.usage("\(fields.place).instanceLifecycleConfig must be a mapping") }
            let reader = FieldReader(fields: hooks, place: "\(fields.place).instanceLifecycleConfig")
            try checkKeys(hooks, allowed: ["preFreeze", "preStop"], in: reader.place)
            preFreeze = try reader.hook("preFreeze")
            preStop = try reader.hook("preStop")
        }
        let instanceConcurrency = try fields.positiveInteger("instanceConcurrency", atMost: 200) ?? Defaults.instanceConcurrency
        return FunctionConfiguration(
            service: service, name: name, source: sources.first ?? .product("hello"),
            handler: try fields.string("handler") ?? Defaults.handler,
            initializer: try fields.string("initializer"),
            initializationTimeoutSeconds: try fields.positiveNumber("initializationTimeout", atMost: 600) ?? min(timeout, 600),
            preFreeze: preFreeze, preStop: preStop,
            memoryMB: try fields.positiveInteger("memorySize", atMost: 32_768) ?? Defaults.memoryMB,
            timeoutSeconds: timeout,
            instanceConcurrency: instanceConcurrency,
            maxInstances: try fields.positiveInteger("maxInstances", atMost: 1_000) ?? Defaults.maxInstances,
            idleTimeoutSeconds: try fields.positiveNumber("idleTimeout", atMost: 604_800) ?? Defaults.idleTimeoutSeconds,
            environment: try fields.environment("environmentVariables"))
    }

    private static func checkKeys(_ fields: [String: Any], allowed: Set<String>, in place: String) throws {
        if let unknown = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw LocalError.usage("\(place): unknown key `\(unknown)` (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

/// Typed access to one mapping of the file, with errors naming the place.
private struct FieldReader {
    let fields: [String: Any]
    let place: String

    func string(_ key: String) throws -> String? {
        guard let value = fields[key] else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw LocalError.usage("\(place).\(key) must be a non-empty string") }
        return text
    }

    /// A service or function name: FC's rule (letters, digits, `_`, `-`; starting with a letter or `_`; 1–128).
    func name(_ key: String) throws -> String {
        guard let text = try string(key) else { throw LocalError.usage("\(place).\(key) is required") }
        guard Self.isValidName(text) else {
            throw LocalError.usage("\(place).\(key) '\(text)' must be 1-128 letters, digits, _ or -, starting with a letter or _")
        }
        return text
    }

    static func isValidName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= 128 else { return false }
        let isLetter = { (c: Unicode.Scalar) in ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        return (isLetter(first) || first == "_")
            && text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// A number in (0, `limit`] (FC's limits, which also keep every duration computed from it in range).
    func positiveNumber(_ key: String, atMost limit: Double) throws -> Double? {
        guard let value = fields[key] else { return nil }
        let number = (value as? Double) ?? (value as? Int).map(Double.init)
        guard let number, number > 0, number <= limit else {
            throw LocalError.usage("\(place).\(key) must be a number above 0 and at most \(Int(limit))")
        }
        return number
    }

    func positiveInteger(_ key: String, atMost limit: Int) throws -> Int? {
        guard let value = fields[key] else { return nil }
        guard let number = value as? Int, number > 0, number <= limit else {
            throw LocalError.usage("\(place).\(key) must be a whole number from 1 to \(limit)")
        }
        return number
    }

    func hook(_ key: String) throws -> FunctionConfiguration.Hook? {
        guard let value = fields[key] else { return nil }
        guard let hook = value as? [String: Any] else { throw LocalError.usage("\(place).\(key) must be a mapping with handler and timeout") }
        let reader = FieldReader(fields: hook, place: "\(place).\(key)")
        guard let handler = try reader.string("handler") else { throw LocalError.usage("\(place).\(key).handler is required") }
        return .init(handler: handler, timeoutSeconds: try reader.positiveNumber("timeout", atMost: 900) ?? PlatformConfigurationFile.Defaults.hookTimeoutSeconds)
    }

    func environment(_ key: String) throws -> [String: String] {
        guard let value = fields[key] else { return [:] }
        guard let mapping = value as? [String: Any] else { throw LocalError.usage("\(place).\(key) must be a mapping of names to values") }
        return try mapping.reduce(into: [:]) { result, entry in
            switch entry.value {
            case let text as String: result[entry.key] = text
            case let number as Int: result[entry.key] = String(number)
            case let number as Double: result[entry.key] = String(number)
            case let flag as Bool: result[entry.key] = String(flag)
            default: throw LocalError.usage("\(place).\(key).\(entry.key) must be a string, number or boolean")
            }
        }
    }
}
