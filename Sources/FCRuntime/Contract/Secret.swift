/// A confidential string (access key secret, security token, tracing endpoint) that never prints itself.
///
/// `description`, `debugDescription`, string interpolation and `dump` show `******` (or nothing when empty);
/// read ``value`` explicitly where the real value is needed.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The confidential value itself.
    public let value: String

    /// Wraps a confidential value.
    public init(_ value: String) {
        self.value = value
    }

    /// Whether no value was provided (for example no role is configured for the function).
    public var isEmpty: Bool { value.isEmpty }

    /// `******` for a present value, an empty string for an absent one.
    public var description: String { value.isEmpty ? "" : "******" }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without children, so that `dump` cannot reveal the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
