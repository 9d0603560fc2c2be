import HTTPTypes
import Hummingbird

/// A refusal of the tracing-configuration API, answered with FunctionGraph's body `{"error_code", "error_msg"}`
/// (CONTRACT §6). Messages name paths, fields and functions, never a token or a credential.
struct TracingAPIError: Error, Equatable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    var description: String { "\(status.code) \(code): \(message)" }

    /// The answer to send.
    var response: Response { JSONResponse.make(status, ["error_code": code, "error_msg": message]) }

    /// 403: `X-Auth-Token` missing or not the platform's.
    static let invalidToken = TracingAPIError(status: .forbidden, code: "FSS.0403", message: "invalid token")

    /// 404: GET for a function that has no AK/SK.
    static let notConfigured = TracingAPIError(status: .notFound, code: "FSS.0404", message: "can not find tracing aksk")

    /// 400: the URN is well formed but names no function of this platform (project, region or function differ).
    static func functionNotFound(_ urn: String) -> TracingAPIError {
        TracingAPIError(status: .badRequest, code: "FSS.1128", message: "function[\(urn)] not existed")
    }

    /// 400 with FunctionGraph's generic "Invalid parameter." code: a malformed path part or body field.
    static func invalidParameter(_ detail: String) -> TracingAPIError {
        TracingAPIError(status: .badRequest, code: "FSS.0400", message: "Invalid parameter: \(detail)")
    }

    /// 413: the body exceeds `limit` bytes.
    static func bodyTooLarge(limit: Int) -> TracingAPIError {
        TracingAPIError(status: .contentTooLarge, code: "FSS.0413", message: "The request body is too large (at most \(limit) bytes).")
    }

    /// 500: the state database failed.
    static let internalError = TracingAPIError(
        status: .internalServerError, code: "FSS.0500", message: "Internal server error: the state database failed; see fc-local's output.")
}
