import Foundation
import HTTPTypes
import Hummingbird

/// A refusal of the collector or the trace queries, answered in the error shape of Jaeger's query API:
/// `{"data": null, "errors": [{"code": 404, "msg": "trace not found"}], "total": 0, "limit": 0, "offset": 0}`.
struct TraceAPIError: Error, Equatable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let message: String
    var headers: HTTPFields = [:]

    var description: String { "\(status.code): \(message)" }

    var response: Response {
        let body: [String: Any] = [
            "data": NSNull(), "errors": [["code": Int(status.code), "msg": message]], "total": 0, "limit": 0, "offset": 0,
        ]
        return JSONResponse.make(status, body, headers: headers)
    }

    /// 401 with a basic-auth challenge: the request carries no (well-formed) `Authorization: Basic …`.
    static let missingCredentials = TraceAPIError(
        status: .unauthorized, message: "HTTP basic auth with the function's tracing AK/SK is required",
        headers: [.wwwAuthenticate: #"Basic realm="fc-local collector""#])

    static func forbidden(_ message: String) -> TraceAPIError { TraceAPIError(status: .forbidden, message: message) }
    static func badRequest(_ message: String) -> TraceAPIError { TraceAPIError(status: .badRequest, message: message) }
    static let traceNotFound = TraceAPIError(status: .notFound, message: "trace not found")
    static let internalError = TraceAPIError(status: .internalServerError, message: "the state database failed; see fc-local's output")
}
