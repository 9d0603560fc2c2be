import HTTPTypes

/// Which operation of the contract a request asks for (CONTRACT §2).
enum Route: Sendable, Equatable {
    case invoke
    case httpInvoke
    case initialize
    case preFreeze
    case preStop

    /// Why a request matches no operation.
    enum Rejection: Error, Sendable, Equatable {
        case methodNotAllowed(allowed: String)
        case notFound(path: String)
        case unknownControlPath(String)
    }

    /// Routes on `x-fc-control-path: /http-invoke` first (any method and path), then on the path; a missing
    /// control-path header is fine (some emulators never send it).
    static func resolve(method: HTTPRequest.Method, target: String, controlPath: String?) -> Result<Route, Rejection> {
        switch controlPath ?? "" {
        case "/http-invoke": return .success(.httpInvoke)
        case "", "/invoke", "/initialize", "/pre-freeze", "/pre-stop": break
        case let other: return .failure(.unknownControlPath(other))
        }
        // The query is cut at the byte: a Character search runs grapheme breaking over the whole target.
        let path = target.utf8.firstIndex(of: UInt8(ascii: "?")).map { target[..<$0] } ?? target[...]
        switch path {
        case "/invoke": return method == .post ? .success(.invoke) : .failure(.methodNotAllowed(allowed: "POST"))
        case "/initialize": return method == .post ? .success(.initialize) : .failure(.methodNotAllowed(allowed: "POST"))
        case "/pre-freeze", "/pre-stop":
            guard method == .get || method == .post else { return .failure(.methodNotAllowed(allowed: "GET, POST")) }
            return .success(path == "/pre-freeze" ? .preFreeze : .preStop)
        default: return .failure(.notFound(path: String(path)))
        }
    }
}

extension Route.Rejection {
    /// The JSON error response for the rejection.
    var response: RuntimeResponse {
        switch self {
        case .methodNotAllowed(let allowed):
            .rejection(
                .methodNotAllowed, ErrorBody(errorType: "MethodNotAllowed", errorMessage: "this path accepts \(allowed)"),
                extraHeaders: [.allow: allowed])
        case .notFound(let path):
            .rejection(
                .notFound,
                ErrorBody(
                    errorType: "RouteNotFound",
                    errorMessage: "no route for \(LineText.excerpt(path)); FC calls /invoke, /initialize, /pre-freeze, /pre-stop, "
                        + "or any path with x-fc-control-path: /http-invoke"))
        case .unknownControlPath(let value):
            .rejection(
                .badRequest,
                ErrorBody(
                    errorType: "InvalidControlPath",
                    errorMessage: "unknown x-fc-control-path \(LineText.excerpt(value)); expected /invoke, /http-invoke or /initialize"))
        }
    }
}
