import Foundation

/// A JSON value as Foundation's `JSONDecoder` read it: the decoder the round-trip checks trust, since it shares no
/// code with the runtime's hand-written JSON writers. (`JSONSerialization` is not used: on Linux it reads some
/// numbers through `Decimal` and returns doubles a few units in the last place off, e.g. 2.1800754380841732e-106.)
public indirect enum JSONValue: Equatable, Decodable, CustomStringConvertible {
    /// An object's members.
    case object([String: JSONValue])
    /// An array's elements.
    case array([JSONValue])
    /// A string.
    case string(String)
    /// `true` or `false`.
    case bool(Bool)
    /// A number that fits `Int64` exactly.
    case integer(Int64)
    /// Any other number.
    case number(Double)
    /// `null`.
    case null

    /// Parses a complete JSON document; `nil` when Foundation rejects it.
    public static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Reads any JSON value: an object, an array, `null`, a boolean, a number (as an integer when it is one), a string.
    public init(from decoder: any Decoder) throws {
        if let members = try? decoder.container(keyedBy: MemberKey.self) {
            var object: [String: JSONValue] = [:]
            for key in members.allKeys { object[key.stringValue] = try members.decode(JSONValue.self, forKey: key) }
            self = .object(object)
        } else if var elements = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !elements.isAtEnd { array.append(try elements.decode(JSONValue.self)) }
            self = .array(array)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                self = .null
            } else if let flag = try? value.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? value.decode(Int64.self) {
                self = .integer(number)
            } else if let number = try? value.decode(Double.self) {
                self = .number(number)
            } else {
                self = .string(try value.decode(String.self))
            }
        }
    }

    private struct MemberKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Strings compare by their UTF-8 bytes, not by Swift's canonical equivalence: an encoder must not normalize.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.object(let l), .object(let r)): l == r
        case (.array(let l), .array(let r)): l == r
        case (.string(let l), .string(let r)): l.utf8.elementsEqual(r.utf8)
        case (.bool(let l), .bool(let r)): l == r
        case (.integer(let l), .integer(let r)): l == r
        case (.number(let l), .number(let r)): l == r
        case (.null, .null): true
        default: false
        }
    }

    /// The members of an object, else `nil`.
    public var object: [String: JSONValue]? { if case .object(let members) = self { members } else { nil } }
    /// The elements of an array, else `nil`.
    public var array: [JSONValue]? { if case .array(let elements) = self { elements } else { nil } }
    /// The text of a string, else `nil`.
    public var string: String? { if case .string(let text) = self { text } else { nil } }

    /// The member `key` of an object, else `nil`.
    public subscript(_ key: String) -> JSONValue? { object?[key] }

    /// A short rendering for failure messages.
    public var description: String {
        switch self {
        case .object(let members): "{" + members.keys.sorted().map { "\($0): \(members[$0]!)" }.joined(separator: ", ") + "}"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .string(let text): "\"\(visible(text))\""
        case .bool(let flag): String(flag)
        case .integer(let number): String(number)
        case .number(let number): "\(number)"
        case .null: "null"
        }
    }
}
