import FuzzSupport

@testable import FCRuntime

/// Builds a batch of finished spans from the input, encodes it with both exporters' encoders and decodes the
/// results independently: jaeger.thrift with a schema-less Thrift reader, OTLP JSON with Foundation. Everything
/// that went in must come out, and the Thrift bytes must hold exactly one batch.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpanEncoders(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let process = input.traceProcess()
    let spans = (0..<input.int(below: 4)).map { _ in input.finishedSpan() }

    trace("process \(process.serviceName) \(process.allTags)\n" + spans.map { "span \($0.name) \($0.spanID) parent \($0.parentSpanID) \($0.allAttributes) events \($0.events) status \(String(describing: $0.status))" }.joined(separator: "\n"))
    let thrift = JaegerThriftEncoder.encode(process: process, spans: spans)
    do {
        let decoded = try JaegerBatchModel.decode(thrift)
        JaegerComparison.requireMatch(decoded, JaegerExpectation.batch(process: process, spans: spans))
    } catch {
        require(false, "the Jaeger batch does not decode: \(error)")
    }

    let json = OTLPJSONEncoder.encode(process: process, spans: spans)
    require(String(validating: json, as: UTF8.self) != nil, "the OTLP JSON is not valid UTF-8")
    OTLPExpectation.request(process: process, spans: spans).requireMatch(JSONValue.parse(json))
    return 0
}
