import FuzzSupport
import Tracing

@testable import FCRuntime

/// Finished spans and their process built from fuzz input: every field of the encoders' input is the fuzzer's.
extension FuzzInput {
    mutating func traceProcess() -> TraceProcess {
        let name = string(maxCount: 100)
        let tags = attributePairs(maxCount: 4)
        let function = bool() ? FunctionResource(attributePairs(maxCount: 4)) : nil
        return TraceProcess(serviceName: name, tags: tags, function: function)
    }

    mutating func finishedSpan() -> FinishedSpan {
        let traceID = TraceIdentifier(high: bool() ? 0 : uint64(), low: uint64())
        let spanID = uint64()
        let parentSpanID = bool() ? 0 : uint64()
        let flags = byte()
        let name = string(maxCount: 200)
        let kind = spanKind()
        let start = uint64()
        let end = bool() ? start &+ UInt64(byte()) * 1_000_017 : uint64()
        let runtimeAttributes = runtimeAttributes()
        let attributes = spanAttributes(maxCount: 5)
        let events = (0..<int(below: 3)).map { _ in spanEvent() }
        let status = spanStatus()
        let links = (0..<int(below: 3)).map { _ in
            FinishedSpan.Link(traceID: TraceIdentifier(high: uint64(), low: uint64()), spanID: uint64(), attributes: spanAttributes(maxCount: 2))
        }
        return FinishedSpan(
            traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, flags: flags, name: name, kind: kind, startNanoseconds: start,
            endNanoseconds: end, runtimeAttributes: runtimeAttributes, attributes: attributes, events: events, status: status, links: links)
    }
}

extension FuzzInput {
    /// The runtime's own attributes, each present or not, with any text.
    mutating func runtimeAttributes() -> RuntimeAttributes {
        RuntimeAttributes(
            requestID: bool() ? string(maxCount: 80) : nil, isInvocation: bool(), trigger: bool() ? string(maxCount: 20) : nil,
            coldStart: bool() ? bool() : nil, runtimeVersion: bool() ? string(maxCount: 20) : nil,
            errorType: bool() ? string(maxCount: 60) : nil)
    }
}

extension RuntimeAttributes {
    /// The tags a collector must read for these attributes, in order, spelled out here from the README's list of
    /// runtime attributes (not taken from the runtime's own conversion).
    var expectedEntries: [(String, SpanAttribute)] {
        var entries: [(String, SpanAttribute)] = []
        if let requestID {
            if isInvocation { entries.append(("faas.invocation_id", .string(requestID))) }
            entries.append(("fc.request_id", .string(requestID)))
        }
        if let trigger { entries.append(("faas.trigger", .string(trigger))) }
        if let coldStart { entries.append(("faas.coldstart", .bool(coldStart))) }
        if let runtimeVersion { entries.append(("fc.runtime.version", .string(runtimeVersion))) }
        if let errorType { entries.append(("error.type", .string(errorType))) }
        return entries
    }
}

extension SpanAttributes {
    /// The entries in the dictionary's own iteration order (the order both encoders write them in).
    var entries: [(String, SpanAttribute)] {
        var entries: [(String, SpanAttribute)] = []
        forEach { entries.append(($0, $1)) }
        return entries
    }
}
