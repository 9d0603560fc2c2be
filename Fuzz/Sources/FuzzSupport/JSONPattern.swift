/// What a decoded JSON document must look like: objects with exactly these members, arrays with exactly these
/// elements, and a few looser leaves for values whose exact spelling is the writer's choice.
public indirect enum JSONPattern {
    /// Exactly this value.
    case value(JSONValue)
    /// An object with exactly these members.
    case object([String: JSONPattern])
    /// An array with exactly these elements.
    case array([JSONPattern])
    /// A number equal to this double (written with or without a fraction).
    case double(Double)
    /// A string that is itself a JSON document matching the pattern.
    case stringHoldingJSON(JSONPattern)
    /// A number within `tolerance` of `value`.
    case approximately(Double, tolerance: Double)

    /// Stops the process, naming the path, where `value` differs from the pattern.
    public func requireMatch(_ value: JSONValue?, at path: String = "$") {
        guard let value else { return require(false, "\(path): missing") }
        switch self {
        case .value(let expected):
            require(value == expected, "\(path): \(value) ≠ \(expected)")
        case .object(let members):
            guard case .object(let actual) = value else { return require(false, "\(path): \(value) is not an object") }
            require(Set(actual.keys) == Set(members.keys), "\(path): members \(actual.keys.sorted()) ≠ \(members.keys.sorted())")
            for (key, pattern) in members { pattern.requireMatch(actual[key], at: "\(path).\(key)") }
        case .array(let elements):
            guard case .array(let actual) = value else { return require(false, "\(path): \(value) is not an array") }
            require(actual.count == elements.count, "\(path): \(actual.count) elements, expected \(elements.count)")
            for (index, (element, pattern)) in zip(actual, elements).enumerated() { pattern.requireMatch(element, at: "\(path)[\(index)]") }
        case .double(let expected):
            switch value {
            case .number(let number): require(number == expected, "\(path): \(number) ≠ \(expected)")
            case .integer(let number): require(Double(number) == expected, "\(path): \(number) ≠ \(expected)")
            default: require(false, "\(path): \(value) is not a number")
            }
        case .approximately(let expected, let tolerance):
            let number: Double? =
                switch value {
                case .number(let number): number
                case .integer(let number): Double(number)
                default: nil
                }
            require(number.map { abs($0 - expected) <= tolerance } ?? false, "\(path): \(value) is not within \(tolerance) of \(expected)")
        case .stringHoldingJSON(let pattern):
            guard case .string(let text) = value else { return require(false, "\(path): \(value) is not a string") }
            pattern.requireMatch(JSONValue.parse(Array(text.utf8)), at: "\(path)<json>")
        }
    }
}
