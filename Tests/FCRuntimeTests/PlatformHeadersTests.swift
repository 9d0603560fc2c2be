import HTTPTypes
import Testing

@testable import FCRuntime

/// The one-pass header locator: which field each header is found in, and what a read returns for absent, single
/// and repeated headers.
@Suite struct PlatformHeadersTests {
    private func fields(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    @Test func absentHeadersReadAsNilOrEmpty() {
        let headers = PlatformHeaders(fields([("accept", "*/*")]))
        for key in PlatformHeaders.Key.allCases {
            #expect(headers[key] == nil)
            #expect(headers.text(key) == "")
        }
        #expect(headers.traceParent == "")
        #expect(headers.traceState == "")
        #expect(headers.contentLength == nil)
        #expect(headers.baggageHeaders.isEmpty)
    }

    @Test func eachKeyReadsItsOwnFieldWhateverTheOrder() {
        let keys = PlatformHeaders.Key.allCases
        // Every key's value names the key, in reverse order, between unrelated fields.
        var pairs: [(String, String)] = []
        for key in keys.reversed() {
            pairs.append(("x-other-\(key.rawValue)", "noise"))
            pairs.append((key.headerName.canonicalName, "value of \(key)"))
        }
        let headers = PlatformHeaders(fields(pairs))
        for key in keys { #expect(headers[key] == "value of \(key)") }
    }

    @Test func namesAreMatchedWhateverTheirCase() {
        let headers = PlatformHeaders(fields([("X-FC-Request-Id", "r-1"), ("TraceParent", "00-tp"), ("Content-Length", "3")]))
        #expect(headers[.requestID] == "r-1")
        #expect(headers.traceParent == "00-tp")
        #expect(headers.contentLength == "3")
    }

    @Test func repeatedHeadersAreJoinedInOrderAsHTTPCombinesThem() {
        let headers = PlatformHeaders(fields([
            ("x-fc-function-name", "a"), ("tracestate", "k1=v1"), ("content-length", "3"), ("x-fc-region", "r"),
            ("x-fc-function-name", "b"), ("tracestate", "k2=v2"), ("content-length", "4"), ("x-fc-function-name", "c"),
        ]))
        #expect(headers[.functionName] == "a, b, c")
        #expect(headers.traceState == "k1=v1,k2=v2")
        #expect(headers.contentLength == "3, 4")
        #expect(headers[.region] == "r")
    }

    @Test func theLastTraceparentWins() {
        let headers = PlatformHeaders(fields([("traceparent", "first"), ("traceparent", "second")]))
        #expect(headers.traceParent == "second")
    }

    @Test func baggageHeadersKeepTheirOrderAndSkipAnEmptyKey() {
        let prefix = FCHeaderName.baggageHeaderPrefix
        let headers = PlatformHeaders(fields([
            ("\(prefix)b", "2"), (prefix, "no key"), ("\(prefix)a", "1"), ("x-fc-tracing-opentracing-span-context", "c"),
        ]))
        #expect(headers.baggageHeaders.map(\.key) == ["b", "a"])
        #expect(headers.baggageHeaders.map(\.value) == ["2", "1"])
        #expect(headers[.spanContext] == "c")
    }

    @Test func fieldsFarBeyondTheFirst256AreFound() {
        var pairs = (0..<700).map { ("x-filler-\($0)", "f") }
        pairs.append(("x-fc-request-id", "late"))
        pairs.append(("x-fc-function-name", "a"))
        pairs += (0..<300).map { ("x-more-\($0)", "f") }
        pairs.append(("x-fc-function-name", "b"))
        let headers = PlatformHeaders(fields(pairs))
        #expect(headers[.requestID] == "late")
        #expect(headers[.functionName] == "a, b")
    }
}
