import HummingbirdCore
import NIOCore

/// Reads a request body into one buffer, refusing more than the configured limit (CONTRACT §2: 32 MB) and a body
/// that takes too long to arrive.
enum BodyCollector {
    struct TooLarge: Error {}
    struct TooSlow: Error {}

    /// Collects the body. A body that arrives in parts must be complete within `timeout` of its second part: the
    /// connection's idle timer sees a sender that trickles a byte at a time as active and would never close it.
    /// A body of one part (most events) never reads the clock. A declared `Content-Length` over the limit is refused
    /// before any byte is read.
    static func collect(_ request: Request, declaredLength: String?, limit: Int, timeout: Duration) async throws -> ByteBuffer {
        if let declared = declaredLength.flatMap(Int.init), declared > limit { throw TooLarge() }
        var collected = ByteBuffer()
        var deadline: ContinuousClock.Instant?
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw TooLarge() }
            if collected.readableBytes == 0 {
                collected = chunk
            } else {
                if let deadline {
                    if ContinuousClock.now > deadline { throw TooSlow() }
                } else {
                    deadline = .now.advanced(by: timeout)
                }
                var chunk = chunk
                collected.writeBuffer(&chunk)
            }
        }
        return collected
    }

    static func tooLargeResponse(limit: Int) -> RuntimeResponse {
        .rejection(
            .contentTooLarge,
            ErrorBody(errorType: "RequestEntityTooLarge", errorMessage: "the request body exceeds the limit of \(limit) bytes"))
    }

    /// 408 with `Connection: close`; the server closes the connection after it (the rest of the body is not read).
    static func tooSlowResponse(timeout: Duration) -> RuntimeResponse {
        .rejection(
            .requestTimeout,
            ErrorBody(
                errorType: "RequestTimeout",
                errorMessage: "the request body did not arrive within \(timeout.components.seconds) seconds (SWIFT_FC_IDLE_TIMEOUT)"),
            extraHeaders: [.connection: "close"])
    }
}
