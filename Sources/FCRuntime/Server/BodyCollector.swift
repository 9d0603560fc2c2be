import HummingbirdCore
import NIOCore

/// Reads a request body into one buffer, refusing more than the configured limit (CONTRACT §2: 32 MB).
enum BodyCollector {
    struct TooLarge: Error {}

    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw TooLarge() }
        var collected = ByteBuffer()
        for try await chunk in request.body {
            guard collected.readableBytes + chunk.readableBytes <= limit else { throw TooLarge() }
            if collected.readableBytes == 0 {
                collected = chunk
            } else {
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
}
