import FuzzSupport
import HTTPTypes

@testable import FCRuntime

/// Request header fields built from fuzz input the way they can reach the runtime: names from the contract (or
/// baggage and unknown `x-fc-` names), values of any bytes — HTTPTypes turns CR, LF and NUL into spaces, as the
/// HTTP/1 parser would have refused them — and some very long.
extension FuzzInput {
    static let contractNames: [String] =
        PlatformHeaders.Key.allCases.map(\.headerName.canonicalName) + [
            FCHeaderName.controlPath.canonicalName, FCHeaderName.preStopHandler.canonicalName, FCHeaderName.preFreezeHandler.canonicalName,
            "traceparent", "tracestate", "baggage", "uber-trace-id", "content-type",
        ]

    private static let tokenCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&'*+^`|~ABCXYZ".utf8)

    mutating func headerFields(maxCount: Int) -> HTTPFields {
        var fields = HTTPFields()
        for _ in 0..<int(below: maxCount + 1) {
            guard let name = HTTPField.Name(headerName()) else { continue }
            fields.append(headerField(name))
        }
        return fields
    }

    mutating func headerName() -> String {
        switch int(below: 8) {
        case 0: FCHeaderName.baggageHeaderPrefix + token()
        case 1: FCHeaderName.platformPrefix + token()
        case 2: token()
        default: pick(Self.contractNames)
        }
    }

    mutating func headerField(_ name: HTTPField.Name) -> HTTPField {
        switch int(below: 4) {
        case 0:
            return HTTPField(name: name, value: string())
        case 1:
            // Very long: one chunk repeated, up to 64 KiB.
            let chunk = bytes(maxCount: 256)
            let repeats = min(Int(byte()) + 1, 65536 / max(1, chunk.count))
            return HTTPField(name: name, lenientValue: Array([[UInt8]](repeating: chunk, count: repeats).joined()))
        default:
            return HTTPField(name: name, lenientValue: bytes())
        }
    }

    private mutating func token() -> String {
        let count = int(below: 12) + 1
        return String(decoding: (0..<count).map { _ in pick(Self.tokenCharacters) }, as: UTF8.self)
    }
}
