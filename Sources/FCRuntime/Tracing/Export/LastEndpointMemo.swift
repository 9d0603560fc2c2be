import Synchronization

/// One answer about a collector endpoint, remembered for the last endpoint asked about. FC sends the same
/// `x-fc-tracing-jaeger-endpoint` with every invocation of an instance, and its spans all go to it: checking or
/// parsing the URL each time (a whitespace scan and a URL parse) cost ~55k instructions per traced invocation on the
/// request path and ~19k per export batch.
final class LastEndpointMemo<Answer: Sendable>: Sendable {
    private let last = Mutex<(endpoint: String, answer: Answer)?>(nil)
    private let compute: @Sendable (String) -> Answer

    /// A memo of `compute`, which must give the same answer for the same endpoint.
    init(_ compute: @escaping @Sendable (String) -> Answer) {
        self.compute = compute
    }

    /// `compute(endpoint)`, remembered until another endpoint is asked about.
    func answer(for endpoint: String) -> Answer {
        if let known = last.withLock({ $0 }), known.endpoint == endpoint { return known.answer }
        let answer = compute(endpoint)
        last.withLock { $0 = (endpoint, answer) }
        return answer
    }
}

/// Whether a Jaeger endpoint from a request header is a URL spans can be exported to.
enum EndpointCheck {
    private static let memo = LastEndpointMemo { TraceUploader.url(for: $0, wireProtocol: .jaegerThrift) != nil }

    /// Whether `endpoint` is usable (see ``TraceUploader/url(for:wireProtocol:)``); an empty one is not.
    static func isUsable(_ endpoint: String) -> Bool {
        guard !endpoint.isEmpty else { return false }
        return memo.answer(for: endpoint)
    }
}
