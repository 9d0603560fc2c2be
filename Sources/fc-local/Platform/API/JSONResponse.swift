import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON answers of the platform's APIs.
enum JSONResponse {
    /// `object` serialized with sorted keys.
    static func make(_ status: HTTPResponse.Status, _ object: Any, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return make(status, data: data, headers: headers)
    }

    /// An `Encodable` value as JSON.
    static func make(_ status: HTTPResponse.Status, encoding value: some Encodable, headers: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return make(status, data: data, headers: headers)
    }

    static func make(_ status: HTTPResponse.Status, data: Data, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// FC's error body for the invoke API: `{"ErrorCode": …, "ErrorMessage": …}`.
    static func fcError(_ status: HTTPResponse.Status, code: String, message: String, requestID: String? = nil) -> Response {
        var headers: HTTPFields = [:]
        if let requestID { headers[PlatformHeaderName.requestID] = requestID }
        return make(status, ["ErrorCode": code, "ErrorMessage": message], headers: headers)
    }
}

/// Header names of the platform's APIs.
enum PlatformHeaderName {
    static let requestID = HTTPField.Name("x-fc-request-id")!
    static let errorType = HTTPField.Name("x-fc-error-type")!
    static let invocationType = HTTPField.Name("x-fc-invocation-type")!
    static let logType = HTTPField.Name("x-fc-log-type")!
    static let logResult = HTTPField.Name("x-fc-log-result")!
    static let authToken = HTTPField.Name("X-Auth-Token")!
}
