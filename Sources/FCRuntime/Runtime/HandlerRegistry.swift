/// Everything a function registered in code: named event and HTTP handlers, the initializer and lifecycle hooks.
public struct HandlerRegistry: Sendable {
    var events = NamedHandlers<any EventHandler>(kind: "event")
    var https = NamedHandlers<any HTTPHandler>(kind: "HTTP")
    var initializer: LifecycleHook?
    var preFreeze: LifecycleHook?
    var preStop: LifecycleHook?
    /// What an unknown `x-fc-function-handler` does; ``UnknownHandlerPolicy/useDefault`` unless changed.
    public var unknownHandlerPolicy: UnknownHandlerPolicy = .useDefault

    /// An empty registry.
    public init() {}

    /// The names of the registered event handlers, in registration order.
    public var eventHandlerNames: [String] { events.names }
    /// The names of the registered HTTP handlers, in registration order.
    public var httpHandlerNames: [String] { https.names }
    /// Whether an initializer is registered.
    public var hasInitializer: Bool { initializer != nil }

    func eventHandler(for requested: String) throws(HandlerNotFound) -> any EventHandler {
        try events.select(requested, policy: unknownHandlerPolicy).handler
    }

    func httpHandler(for requested: String) throws(HandlerNotFound) -> any HTTPHandler {
        try https.select(requested, policy: unknownHandlerPolicy).handler
    }
}
