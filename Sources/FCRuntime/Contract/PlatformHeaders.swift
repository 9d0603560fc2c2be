#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import HTTPTypes

/// The headers of one request that the runtime reads — the `x-fc-*` values, the W3C trace headers and the
/// `Content-Length` — located in a single pass over its fields, which the server and the context parser share.
///
/// The pass records *where* each header is (a field position per slot, in fixed storage) and reads a value only
/// when it is asked for. Looking each header up by name scanned every field per lookup (`HTTPFields`' name
/// subscript costs ~5,000 instructions per lookup); copying every value into an array of optional strings cost a
/// heap allocation, a retain and a release per header per request (~5,000 instructions per invocation).
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

    /// The request's fields; values are read from them on demand.
    private let fields: HTTPFields
    /// Where each slot's header is.
    private var positions = FieldPositions()
    /// Slots whose header came in more than one field: their values are joined when read, as HTTP combines them.
    private var repeatedSlots: UInt32 = 0
    /// `x-fc-tracing-opentracing-span-context-baggage-<key>` headers, in order.
    private(set) var baggageHeaders: [(key: String, value: String)] = []

    init(_ fields: HTTPFields) {
        self.fields = fields
        for position in fields.indices {
            var name = fields[position].name.canonicalName
            switch name.withUTF8({ HeaderSlots.classify($0) }) {
            case .slot(let slot):
                if positions[slot] != FieldPositions.absent { repeatedSlots |= 1 << UInt32(slot) }
                positions[slot] = UInt16(truncatingIfNeeded: position)
            case .baggage:
                let key = String(name.dropFirst(FCHeaderName.baggageHeaderPrefix.count))
                if !key.isEmpty { baggageHeaders.append((key, fields[position].value)) }
            case .other:
                break
            }
        }
    }

    /// The value, or `nil` when the header is absent.
    subscript(_ key: Key) -> String? { value(at: key.rawValue) }

    /// The value, or an empty string when the header is absent.
    func text(_ key: Key) -> String { value(at: key.rawValue) ?? "" }

    /// The W3C `traceparent` header (the last one, when repeated), or an empty string.
    var traceParent: String {
        let position = positions[HeaderSlots.traceParent]
        return position == FieldPositions.absent ? "" : fields[Int(position)].value
    }

    /// The W3C `tracestate` header (repeated ones joined with ","), or an empty string.
    var traceState: String { value(at: HeaderSlots.traceState) ?? "" }

    /// The `Content-Length` header (repeated ones joined with ", ", which the body collector rejects).
    var contentLength: String? { value(at: HeaderSlots.contentLength) }

    private func value(at slot: Int) -> String? {
        let position = positions[slot]
        guard position != FieldPositions.absent else { return nil }
        guard repeatedSlots & (1 << UInt32(slot)) != 0 else { return fields[Int(position)].value }
        let name = HeaderSlots.names[slot]
        let separator = slot == HeaderSlots.traceState ? "," : ", "
        return fields.lazy.filter { $0.name.canonicalName == name }.map(\.value).joined(separator: separator)
    }

    /// The key a (lower-cased) header name stands for.
    static func key(named name: String) -> Key? {
        var name = name
        guard case .slot(let slot) = name.withUTF8({ HeaderSlots.classify($0) }) else { return nil }
        return Key(rawValue: slot)
    }

    /// Whether a (lower-cased) header name starts with `x-fc-`, checked on bytes.
    static func isPlatformHeader(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { HeaderSlots.hasPlatformPrefix($0) }
    }
}

/// The slots of ``PlatformHeaders``: one per ``PlatformHeaders/Key``, then the three headers the runtime reads
/// that are not platform headers. Names are matched on their bytes against the one to three names of their length.
enum HeaderSlots {
    static let traceParent = PlatformHeaders.Key.allCases.count
    static let traceState = traceParent + 1
    static let contentLength = traceParent + 2

    /// The slots' header names, lower-case.
    static let names: [String] =
        PlatformHeaders.Key.allCases.map(\.headerName.canonicalName) + [TraceHeaders.traceParent, TraceHeaders.traceState, "content-length"]
    private static let nameBytes: [[UInt8]] = names.map { Array($0.utf8) }
    /// Slots by the length of their names (hashing every name for a dictionary cost more than the comparisons).
    private static let slotsByLength: [[Int]] = {
        var table = [[Int]](repeating: [], count: 64)
        for (slot, name) in nameBytes.enumerated() { table[name.count].append(slot) }
        return table
    }()
    private static let baggagePrefix = Array(FCHeaderName.baggageHeaderPrefix.utf8)

    /// What a header name is to the runtime.
    enum Match {
        case slot(Int)
        case baggage
        case other
    }

    static func classify(_ name: UnsafeBufferPointer<UInt8>) -> Match {
        guard name.count < slotsByLength.count else { return isBaggage(name) ? .baggage : .other }
        for slot in slotsByLength[name.count] where equal(name, nameBytes[slot]) { return .slot(slot) }
        return isBaggage(name) ? .baggage : .other
    }

    static func hasPlatformPrefix(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count >= 5 && name[0] == UInt8(ascii: "x") && name[1] == UInt8(ascii: "-") && name[2] == UInt8(ascii: "f")
            && name[3] == UInt8(ascii: "c") && name[4] == UInt8(ascii: "-")
    }

    private static func isBaggage(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        name.count > baggagePrefix.count && equal(UnsafeBufferPointer(rebasing: name[..<baggagePrefix.count]), baggagePrefix)
    }

    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ expected: [UInt8]) -> Bool {
        guard bytes.count == expected.count else { return false }
        guard !expected.isEmpty else { return true }
        return expected.withUnsafeBufferPointer { memcmp(bytes.baseAddress!, $0.baseAddress!, bytes.count) == 0 }
    }
}

/// A field position (`UInt16`; `HTTPFields` holds fewer than 65,535 fields) for each of the ``HeaderSlots``, in
/// fixed storage: no heap allocation per request.
struct FieldPositions {
    static let absent = UInt16.max
    private typealias Storage = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    private var storage: Storage = (~0, ~0, ~0, ~0, ~0, ~0, ~0)
    static let capacity = MemoryLayout<Storage>.size / MemoryLayout<UInt16>.size

    subscript(slot: Int) -> UInt16 {
        get {
            precondition(slot >= 0 && slot < Self.capacity)
            return withUnsafeBytes(of: storage) { $0.load(fromByteOffset: slot * 2, as: UInt16.self) }
        }
        set {
            precondition(slot >= 0 && slot < Self.capacity)
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: newValue, toByteOffset: slot * 2, as: UInt16.self) }
        }
    }
}
