import HTTPTypes

/// The two request headers the server itself reads before the context is built, found in one pass over the fields.
/// (`HTTPFields`' name subscript joins every match through a lazy sequence: ~5,000 instructions per lookup, more
/// than the rest of the routing.) Repeated headers combine with ", " as HTTP does.
struct ServerHeaders {
    private(set) var controlPath: String?
    private(set) var contentLength: String?

    init(_ fields: HTTPFields) {
        for field in fields {
            if field.name == FCHeaderName.controlPath {
                controlPath = controlPath.map { "\($0), \(field.value)" } ?? field.value
            } else if field.name == .contentLength {
                contentLength = contentLength.map { "\($0), \(field.value)" } ?? field.value
            }
        }
    }
}
