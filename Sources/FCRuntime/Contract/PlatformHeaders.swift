import HTTPTypes

/// The headers of one request that the runtime reads — the `x-fc-*` values, the W3C trace headers and the
/// `Content-Length` — collected in a single pass over its fields, which the server and the context parser share.
///
/// Looking each header up by name scans every field per lookup (with ~25 platform headers and ~20 fields that was
/// the largest cost of an invocation; `HTTPFields`' name subscript alone costs ~5,000 instructions per lookup); one
/// pass with a precomputed name table reads each field once.
struct PlatformHeaders {
    /// The platform headers the context reads.
    enum Key: Int, CaseIterable {
        case controlPath, requestID, accessKeyID, accessKeySecret, securityToken
        case functionName, functionHandler, functionMemory, functionTimeout, functionInitializer, initializationTimeout
        case region, accountID, qualifier, versionID, serviceName, logProject, logStore, retryCount, basePath, clientIP
        case spanContext, spanBaggages, jaegerEndpoint

        var headerName: HTTPField.Name {
            switch self {
            case .controlPath: FCHeaderName.controlPath
            case .requestID: FCHeaderName.requestID
            case .accessKeyID: FCHeaderName.accessKeyID
            case .accessKeySecret: FCHeaderName.accessKeySecret
            case .securityToken: FCHeaderName.securityToken
            case .functionName: FCHeaderName.functionName
            case .functionHandler: FCHeaderName.functionHandler
            case .functionMemory: FCHeaderName.functionMemory
            case .functionTimeout: FCHeaderName.functionTimeout
            case .functionInitializer: FCHeaderName.functionInitializer
            case .initializationTimeout: FCHeaderName.initializationTimeout
            case .region: FCHeaderName.region
            case .accountID: FCHeaderName.accountID
            case .qualifier: FCHeaderName.qualifier
            case .versionID: FCHeaderName.versionID
            case .serviceName: FCHeaderName.serviceName
            case .logProject: FCHeaderName.logProject
            case .logStore: FCHeaderName.logStore
            case .retryCount: FCHeaderName.retryCount
            case .basePath: FCHeaderName.basePath
            case .clientIP: FCHeaderName.clientIP
            case .spanContext: FCHeaderName.spanContext
            case .spanBaggages: FCHeaderName.spanBaggages
            case .jaegerEndpoint: FCHeaderName.jaegerEndpoint
            }
        }
    }

    /// The keys' names, and the keys grouped by the length of their names: a field's name is compared with the one
    /// to three names of its length (hashing every name for a dictionary cost more than the whole comparison).
    private static let names: [String] = Key.allCases.map(\.headerName.canonicalName)
    private static let keysByLength: [[Key]] = {
        var table = [[Key]](repeating: [], count: 64)
        for key in Key.allCases { table[names[key.rawValue].utf8.count].append(key) }
        return table
    }()

    /// The key a (lower-cased) header name stands for.
    static func key(named name: String) -> Key? {
        let count = name.utf8.count
        guard count < keysByLength.count else { return nil }
        for key in keysByLength[count] where names[key.rawValue] == name { return key }
        return nil
    }

    private static let keyCount = Key.allCases.count
    private var values = [String?](repeating: nil, count: PlatformHeaders.keyCount)
    /// `x-fc-tracing-opentracing-span-context-baggage-<key>` headers, in order.
    private(set) var baggageHeaders: [(key: String, value: String)] = []
    /// The W3C `traceparent` header, read in the same pass.
    private(set) var traceParent = ""
    /// The W3C `tracestate` header.
    private(set) var traceState = ""
    /// The `Content-Length` header (repeated ones joined with ", ", which the body collector rejects).
    private(set) var contentLength: String?

    init(_ fields: HTTPFields) {
        for field in fields {
            let name = field.name.canonicalName
            guard Self.isPlatformHeader(name) else {
                switch name.utf8.first {
                case UInt8(ascii: "t"):
                    if name == TraceHeaders.traceParent {
                        traceParent = field.value
                    } else if name == TraceHeaders.traceState {
                        traceState = traceState.isEmpty ? field.value : "\(traceState),\(field.value)"
                    }
                case UInt8(ascii: "c") where field.name == .contentLength:
                    contentLength = Self.joined(contentLength, field.value)
                default:
                    break
                }
                continue
            }
            if let key = Self.key(named: name) {
                values[key.rawValue] = Self.joined(values[key.rawValue], field.value)
            } else if name.hasPrefix(FCHeaderName.baggageHeaderPrefix) {
                let key = String(name.dropFirst(FCHeaderName.baggageHeaderPrefix.count))
                if !key.isEmpty { baggageHeaders.append((key, field.value)) }
            }
        }
    }

    /// A header's value after one more field of the same name: repeated headers combine as HTTP does, with ", ".
    private static func joined(_ earlier: String?, _ value: String) -> String {
        earlier.map { "\($0), \(value)" } ?? value
    }

    /// The value, or `nil` when the header is absent.
    subscript(_ key: Key) -> String? { values[key.rawValue] }

    /// The value, or an empty string when the header is absent.
    func text(_ key: Key) -> String { values[key.rawValue] ?? "" }

    /// Whether a (lower-cased) header name starts with `x-fc-`, checked on bytes.
    static func isPlatformHeader(_ name: String) -> Bool {
        // On the contiguous bytes: iterating the UTF-8 view against `FCHeaderName.platformPrefix` cost ~180
        // instructions per field, on every field of every request.
        name.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.count >= 5 && bytes[0] == UInt8(ascii: "x") && bytes[1] == UInt8(ascii: "-") && bytes[2] == UInt8(ascii: "f")
                && bytes[3] == UInt8(ascii: "c") && bytes[4] == UInt8(ascii: "-")
        } ?? name.hasPrefix(FCHeaderName.platformPrefix)
    }
}
