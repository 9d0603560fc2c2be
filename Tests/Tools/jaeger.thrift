// Thrift IDL for the Jaeger span batch that the runtime exports to a Jaeger
// collector (POST /api/traces, Content-Type: application/x-thrift, binary
// protocol). Field numbers, types and required/optional markers mirror
// Jaeger's published jaeger.thrift IDL (jaegertracing/jaeger-idl,
// thrift/jaeger.thrift). It is used only by span_collector.py to decode
// spans in tests; it is not an implementation of a Jaeger component.

namespace * jaeger

// Which of Tag's value fields (vStr ... vBinary) carries the value.
enum TagType { STRING, DOUBLE, BOOL, LONG, BINARY }

// Typed key/value pair; exactly the field matching vType is expected to be set.
struct Tag {
  1: required string  key
  2: required TagType vType
  3: optional string  vStr
  4: optional double  vDouble
  5: optional bool    vBool
  6: optional i64     vLong
  7: optional binary  vBinary
}

// Event attached to a span at a point in time (microseconds since epoch).
struct Log {
  1: required i64       timestamp
  2: required list<Tag> fields
}

enum SpanRefType { CHILD_OF, FOLLOWS_FROM }

// Link from a span to another span (ids are two's-complement signed i64).
struct SpanRef {
  1: required SpanRefType refType
  2: required i64         traceIdLow
  3: required i64         traceIdHigh
  4: required i64         spanId
}

// One span; times are microseconds, traceIdHigh is 0 for 64-bit trace ids,
// parentSpanId is 0 for a root span, flags bit 1 = sampled, bit 2 = debug.
struct Span {
  1:  required i64           traceIdLow
  2:  required i64           traceIdHigh
  3:  required i64           spanId
  4:  required i64           parentSpanId
  5:  required string        operationName
  6:  optional list<SpanRef> references
  7:  required i32           flags
  8:  required i64           startTime
  9:  required i64           duration
  10: optional list<Tag>     tags
  11: optional list<Log>     logs
  12: optional bool          incomplete
}

// The emitting service, sent once per batch.
struct Process {
  1: required string    serviceName
  2: optional list<Tag> tags
}

// Client-side drop counters that a reporter may attach to a batch.
struct ClientStats {
  1: required i64 fullQueueDroppedSpans
  2: required i64 tooLargeDroppedSpans
  3: required i64 failedToEmitSpans
}

// Top-level message: the body of POST /api/traces.
struct Batch {
  1: required Process     process
  2: required list<Span>  spans
  3: optional i64         seqNo
  4: optional ClientStats stats
}
