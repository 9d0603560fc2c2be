#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTypes

/// A response the runtime sends to the platform, before it is written to the connection.
struct RuntimeResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    /// A function success: HTTP 200 and `x-fc-status: 200` (CONTRACT §3).
    static func success(_ body: ByteBuffer) -> RuntimeResponse {
        RuntimeResponse(status: .ok, headers: successHeaders, body: body)
    }

    /// Built once and shared (copy on write): every successful invocation answers with these.
    private static let successHeaders: HTTPFields = [FCHeaderName.status: "200", .contentType: "application/octet-stream"]

    /// A function error: HTTP 404, `x-fc-status: 404` and the built-in runtimes' JSON error body.
    static func functionError(_ body: ErrorBody) -> RuntimeResponse {
        RuntimeResponse(status: .notFound, headers: [FCHeaderName.status: "404", .contentType: "application/json"], body: body.encoded())
    }

    /// A request the runtime refuses before any handler runs (wrong method, unknown path, body too large).
    /// It carries no `x-fc-status`: it is not a function outcome.
    static func rejection(_ status: HTTPResponse.Status, _ body: ErrorBody, extraHeaders: HTTPFields = [:]) -> RuntimeResponse {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extraHeaders)
        return RuntimeResponse(status: status, headers: headers, body: body.encoded())
    }
}

/// The JSON error body of FC's built-in runtimes: `{"errorMessage", "errorType", "stackTrace"}`.
struct ErrorBody: Sendable, Codable, Equatable {
    let errorMessage: String
    let errorType: String
    let stackTrace: [String]

    init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorMessage = errorMessage
        self.errorType = errorType
        self.stackTrace = stackTrace
    }

    /// The body for a thrown error: the type name as `errorType`, its description as `errorMessage`.
    init(describing error: any Error) {
        self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    func encoded() -> ByteBuffer {
        // Encoding three strings cannot fail; an empty object keeps the response well-formed regardless.
        ByteBuffer(data: (try? Self.encoder.encode(self)) ?? Data("{}".utf8))
    }
}
