import Synchronization

/// Whether a Jaeger endpoint from a request header is a URL spans can be exported to, remembered for the last
/// endpoint seen: FC sends the same `x-fc-tracing-jaeger-endpoint` with every invocation of an instance, and
/// checking it (a Character-level whitespace scan and a URL parse) cost ~55k instructions per traced invocation.
enum EndpointCheck {
    private static let last = Mutex<(endpoint: String, isUsable: Bool)?>(nil)

    /// Whether `endpoint` is usable (see ``TraceUploader/url(for:wireProtocol:)``); an empty one is not.
    static func isUsable(_ endpoint: String) -> Bool {
        guard !endpoint.isEmpty else { return false }
        if let known = last.withLock({ $0 }), known.endpoint == endpoint { return known.isUsable }
        let isUsable = TraceUploader.url(for: endpoint, wireProtocol: .jaegerThrift) != nil
        last.withLock { $0 = (endpoint, isUsable) }
        return isUsable
    }
}
