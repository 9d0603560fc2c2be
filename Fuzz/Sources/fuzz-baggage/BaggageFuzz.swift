import Foundation
import FuzzSupport
import HTTPTypes

@testable import FCRuntime

/// Baggage in, baggage out: the base64-JSON `x-fc-tracing-opentracing-span-baggages` header and the per-key
/// `x-fc-tracing-opentracing-span-context-baggage-<key>` headers → the context's baggage → the W3C `baggage` and
/// `tracestate` headers of downstream calls.
///
/// Half of the inputs are well-formed (a JSON object this harness writes and base64-encodes itself): the context
/// must hold exactly its members, with the per-key headers winning. The other half are raw bytes: any outcome is
/// fine but a crash, a warning that is not one clean line, or more than one warning for the header. In both, the
/// outgoing `baggage` header, percent-decoded independently, must give back the context's baggage exactly, and
/// `tracestate` must pass through unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBaggage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    var fields = HTTPFields()
    var expected: [String: String]?
    var expectWarning = false
    if input.bool() {
        let document = BaggageDocument(&input)
        fields[FCHeaderName.spanBaggages] = document.headerValue(&input)
        expected = document.expectedBaggage
        expectWarning = expected == nil
    } else {
        fields.append(HTTPField(name: FCHeaderName.spanBaggages, lenientValue: input.bytes()))
    }
    var perKey: [(key: String, value: String)] = []
    for _ in 0..<input.int(below: 4) {
        let key = String(decoding: (0..<input.int(below: 6) + 1).map { _ in input.pick(keyCharacters) }, as: UTF8.self)
        guard let name = HTTPField.Name(FCHeaderName.baggageHeaderPrefix + key) else { continue }
        let field = HTTPField(name: name, lenientValue: input.bytes(maxCount: 64))
        fields.append(field)
        perKey.append((name.canonicalName.dropFirst(FCHeaderName.baggageHeaderPrefix.count).description, field.value))
    }
    var traceStates: [String] = []
    for _ in 0..<input.int(below: 3) {
        let field = HTTPField(name: HTTPField.Name("tracestate")!, lenientValue: input.bytes(maxCount: 64))
        fields.append(field)
        traceStates.append(field.value)
    }

    trace("fields:\n" + fields.map { "  \($0.name): \($0.value)" }.joined(separator: "\n") + "\nexpected: \(expected.map(describe) ?? "-")")
    let context = ContextParser(configuration: RuntimeConfiguration(), output: CollectingOutput()).context(from: fields, isColdStart: false)
    let baggage = context.tracing.openTracingSpanBaggages
    let warnings = context.headerWarnings
    for warning in warnings { LineRules.requireLineSafe(warning, what: "warning") }
    require(warnings.count <= 1, "\(warnings.count) warnings: \(warnings.map(visible))")
    if var expected {
        for (key, value) in perKey { expected[key] = value }
        require(sameEntries(baggage, expected), "baggage \(describe(baggage)), expected \(describe(expected))")
        require(warnings.isEmpty, "a warning for well-formed baggage: \(warnings.map(visible))")
    } else if expectWarning {
        require(warnings.count == 1, "no warning for a JSON object with a non-scalar member")
        require(sameEntries(baggage, Dictionary(perKey, uniquingKeysWith: { _, last in last })), "baggage from a rejected header")
    }
    require(listMembers(context.tracing.traceState) == listMembers(traceStates.joined(separator: ",")), "tracestate \(visible(context.tracing.traceState))")

    let active = ActiveSpan(
        traceID: TraceIdentifier(high: 0, low: 1), spanID: 2, parentSpanID: 0, flags: 1, traceState: context.tracing.traceState,
        baggage: baggage, sink: nil)
    let outgoing = TraceHeaders.outgoing(for: active)
    let outgoingBaggage = outgoing.first { $0.name == "baggage" }?.value
    require((outgoingBaggage == nil) == baggage.isEmpty, "a baggage header for \(baggage.count) members")
    if let outgoingBaggage {
        require(HTTPField.isValidValue(outgoingBaggage), "the baggage header is not a valid field value")
        let decoded = W3CBaggage.decode(outgoingBaggage)
        require(decoded.map { sameEntries($0, baggage) } ?? false, "baggage header \(visible(outgoingBaggage)) ≠ \(describe(baggage))")
    }
    let outgoingState = outgoing.first { $0.name == "tracestate" }?.value
    require(outgoingState == (context.tracing.traceState.isEmpty ? nil : context.tracing.traceState), "tracestate is not passed on unchanged")
    return 0
}

/// What per-key baggage header names are made of (upper-case letters are lower-cased by HTTP).
private let keyCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789-_.AZ".utf8)

/// The non-empty members of an HTTP list value (RFC 9110 §5.6.1), in order.
private func listMembers(_ value: String) -> [String] {
    value.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t")) }.filter { !$0.isEmpty }
}

/// Equal keys and values, byte for byte (Swift's `==` on strings ignores Unicode normalization differences).
private func sameEntries(_ lhs: [String: String], _ rhs: [String: String]) -> Bool {
    func bytes(_ dictionary: [String: String]) -> [[UInt8]] {
        dictionary.map { Array($0.key.utf8) + [0] + Array($0.value.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }
    return lhs.count == rhs.count && bytes(lhs) == bytes(rhs)
}

private func describe(_ dictionary: [String: String]) -> String {
    "[" + dictionary.keys.sorted().map { "\(visible($0)): \(visible(dictionary[$0]!))" }.joined(separator: ", ") + "]"
}
