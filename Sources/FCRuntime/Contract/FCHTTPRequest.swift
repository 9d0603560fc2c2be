import HTTPTypes

/// An HTTP-trigger request as the function sees it: the caller's method, path, query, headers and body.
///
/// Platform headers (`x-fc-*`) are removed; everything they carry is on ``FCContext``, so a handler that echoes
/// headers cannot leak the function's credentials.
public struct FCHTTPRequest: Sendable {
    /// The caller's method.
    public var method: HTTPRequest.Method
    /// The path without the query, as received (FC 2.0 triggers include the `/2016-08-15/proxy/…` base path).
    public var path: String
    /// The raw query string without `?`, empty when there is none.
    public var query: String
    /// The caller's headers.
    public var headers: HTTPFields
    /// The body.
    public var body: ByteBuffer

    /// Creates a request.
    public init(method: HTTPRequest.Method, path: String, query: String = "", headers: HTTPFields = [:], body: ByteBuffer = ByteBuffer()) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The query's name/value pairs in order, percent-decoded (`+` is a space).
    public var queryItems: [(name: String, value: String)] {
        query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.percentDecoded(parts[0]), parts.count > 1 ? Self.percentDecoded(parts[1]) : "")
        }
    }

    /// The first value of a query parameter, percent-decoded.
    public func queryParameter(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// The body as UTF-8 text.
    public var bodyText: String { String(buffer: body) }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = iterator.next(), low = iterator.next()
                if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The response of an HTTP handler; its status and headers reach the caller unchanged (custom `x-fc-*` headers,
/// which FC forbids, are dropped with a warning).
public struct FCHTTPResponse: Sendable {
    /// The status.
    public var status: HTTPResponse.Status
    /// The headers.
    public var headers: HTTPFields
    /// The body.
    public var body: ByteBuffer

    /// Creates a response with a byte body.
    public init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Creates a response with a text body (`text/plain; charset=utf-8` unless `headers` sets a content type).
    public init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: String) {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "text/plain; charset=utf-8" }
        self.init(status: status, headers: headers, body: ByteBuffer(string: body))
    }
}
