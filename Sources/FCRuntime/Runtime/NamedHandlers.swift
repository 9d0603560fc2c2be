/// What happens when `x-fc-function-handler` names no registered handler.
public enum UnknownHandlerPolicy: Sendable {
    /// Use the default handler (the one registered with `isDefault: true`, else the first registered).
    case useDefault
    /// Fail the invocation with ``HandlerNotFound``.
    case fail
}

/// An ordered table of named handlers of one kind, with the selection rules of the runtime.
struct NamedHandlers<Handler: Sendable>: Sendable {
    private(set) var entries: [(name: String, handler: Handler)] = []
    private var explicitDefault: String?
    let kind: String

    init(kind: String) {
        self.kind = kind
    }

    var names: [String] { entries.map(\.name) }

    mutating func add(_ name: String, _ handler: Handler, isDefault: Bool) {
        precondition(!names.contains(name), "a \(kind) handler named '\(name)' is already registered")
        precondition(!(isDefault && explicitDefault != nil), "two \(kind) handlers are marked as default")
        entries.append((name, handler))
        if isDefault { explicitDefault = name }
    }

    /// The handler for `requested`: an exact name match; else, for FC's `file.function` handler strings, the part
    /// after the last `.`; else the default (when the policy allows); else ``HandlerNotFound``.
    func select(_ requested: String, policy: UnknownHandlerPolicy) throws(HandlerNotFound) -> (name: String, handler: Handler) {
        if let entry = entry(named: requested) { return entry }
        if let dot = requested.lastIndex(of: "."), let entry = entry(named: String(requested[requested.index(after: dot)...])) {
            return entry
        }
        if policy == .useDefault, let entry = explicitDefault.flatMap(entry(named:)) ?? entries.first {
            return entry
        }
        throw HandlerNotFound(requested: requested, kind: kind, registered: names)
    }

    private func entry(named name: String) -> (name: String, handler: Handler)? {
        entries.first { $0.name == name }
    }
}
