import Foundation
import NIOCore
import Synchronization
import Testing

/// Bad input and misbehaving clients against the real process (issue #7, "Hardening"). After every case the
/// function must still answer a normal `echo` invocation, and what it wrote to stdout since the previous case must
/// be whole, well-formed UTF-8 lines (`RobustnessTests.isWellFormed`) with no forged framing line.
///
/// Cases already covered elsewhere are not repeated: `GET /invoke`, `POST /nowhere`, `x-fc-control-path: /bogus`
/// and the 32 MiB body limit (ContractTests), a handler past its deadline (ContractTests), and malformed numbers,
/// an 8 KB request id and three line-break attempts on two headers (RobustnessTests).
@Suite(.serialized) struct HardeningTests {
    /// Every request header of CONTRACT §2 (plus one per-key baggage header).
    static let platformHeaders = [
        "x-fc-request-id", "x-fc-access-key-id", "x-fc-access-key-secret", "x-fc-security-token", "x-fc-function-name",
        "x-fc-function-handler", "x-fc-function-memory", "x-fc-function-timeout", "x-fc-function-initializer",
        "x-fc-initialization-timeout", "x-fc-instance-lifecycle-pre-stop-handler", "x-fc-instance-lifecycle-pre-freeze-handler",
        "x-fc-region", "x-fc-account-id", "x-fc-qualifier", "x-fc-version-id", "x-fc-service-name", "x-fc-service-logproject",
        "x-fc-service-logstore", "x-fc-control-path", "x-fc-retry-count", "x-fc-base-path", "x-fc-client-ip",
        "x-fc-tracing-opentracing-span-context", "x-fc-tracing-opentracing-span-baggages", "x-fc-tracing-jaeger-endpoint",
        "x-fc-tracing-opentracing-span-context-baggage-tenant",
    ]

    /// The kinds of bad value every platform header gets.
    enum BadValue: String, CaseIterable, Sendable {
        case empty, eightKilobytes, nonUTF8, controlBytes, lineBreaks

        /// The raw value bytes to try (several for some kinds).
        var attempts: [[UInt8]] {
            switch self {
            case .empty: [[]]
            case .eightKilobytes: [Array(repeating: UInt8(ascii: "a"), count: 8192)]
            // Stray continuation bytes, a truncated sequence, a UTF-16 surrogate and a code point above U+10FFFF.
            case .nonUTF8: [[0xFF, 0xFE, 0x80, 0xC3, 0x28, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80, UInt8(ascii: "v")]]
            case .controlBytes: [Array("a\u{1B}[2J\u{07}b".utf8), [0x61, 0x00, 0x62], [0x61, 0x7F, 0x62]]
            case .lineBreaks:
                [
                    "v\rFC Invoke End RequestId: forged", "v\nFC Invoke End RequestId: forged",
                    "v\r\n FC Invoke End RequestId: forged", "v\r\nFC Invoke End RequestId: forged",
                    "v\r\n\tFC Invoke End RequestId: forged",
                ].map { Array($0.utf8) }
            }
        }
    }

    @Test(arguments: BadValue.allCases)
    func everyPlatformHeaderWithABadValueStillInvokesOrIsCleanlyRejected(_ kind: BadValue) async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        var outcomes: [String: [String]] = [:]
        var number = 0
        for header in Self.platformHeaders {
            for value in kind.attempts {
                number += 1
                let event = "event-\(number)"
                var fields: [(String, [UInt8])] = []
                if header != "x-fc-request-id" { fields.append(("x-fc-request-id", Array("bad-\(number)".utf8))) }
                if header != "x-fc-function-handler" { fields.append(("x-fc-function-handler", Array("echo".utf8))) }
                fields.append((header, value))
                let label = "\(header) \(kind) #\(number)"
                let reply = try await Self.exchange(function.port, Self.request(headers: fields, body: Array(event.utf8)))
                let accepted = reply.map { ($0.status == 200 && $0.text == event) || (400..<500).contains($0.status) } ?? false
                #expect(accepted, "\(label): answered \(reply.map { "\($0.status) \($0.text.prefix(200))" } ?? "nothing")")
                outcomes[reply.map { "\($0.status)" } ?? "none", default: []].append("\(header)#\(number)")
                let lines = try await health.verify(label)
                let warnings = lines.filter { $0.contains(" [WARNING] ") }
                #expect(warnings.count <= (kind == .empty ? 0 : 1), "\(label): \(warnings.count) warnings: \(warnings)")
            }
        }
        print("HardeningTests bad header values, \(kind): " + outcomes.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.count)" }.joined(separator: ", "))
        let rejected = Set(outcomes.filter { $0.key != "200" }.values.joined().map { String($0.prefix { $0 != "#" }) })
        if !rejected.isEmpty { print("HardeningTests bad header values, \(kind), rejected for: \(rejected.sorted())") }
    }

    @Test func headersOverTheParserLimitsAreRejectedAndTheServerStaysHealthy() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let kilobyte = String(repeating: "h", count: 1024)
        let cases: [(String, [UInt8])] = [
            ("one 100 KB header", Self.request(requestID: "big-1", headers: [("x-big", Array(String(repeating: "b", count: 100 * 1024).utf8))])),
            ("100 headers of 1 KB", Self.request(requestID: "big-2", headers: (0..<100).map { ("x-h\($0)", Array(kilobyte.utf8)) })),
            ("a 100 KB platform header", Self.request(requestID: "big-3", headers: [("x-fc-function-name", Array(String(repeating: "n", count: 100 * 1024).utf8))])),
            ("2,000 small headers", Self.request(requestID: "big-4", headers: (0..<2000).map { ("x-n\($0)", Array("1".utf8)) })),
            ("a 100 KB path", Self.request(target: "/invoke?" + String(repeating: "q", count: 100 * 1024), requestID: "big-5", headers: [])),
        ]
        for (label, bytes) in cases {
            let outcome = try await Blocking.run {
                let connection = try RawConnection(port: function.port)
                connection.trySend(bytes)
                let reply = connection.read(until: { RawResponse.parse($0) != nil }).parsedResponse
                return (reply, connection.waitUntilClosedByPeer(timeout: .seconds(10)))
            }
            let (reply, closed) = outcome
            #expect(reply.map { (400..<500).contains($0.status) } ?? true, "\(label): answered \(reply?.status ?? 0)")
            #expect(closed, "\(label): the connection stayed open")
            print("HardeningTests \(label): \(reply.map { "\($0.status)" } ?? "closed without an answer")")
            try await health.verify(label)
        }
        #expect(!function.stdoutLines.contains { $0.hasPrefix("FC Invoke Start RequestId: big-") })
        // Below the parser's limits (80 KiB in all, 1,000 fields) a request is served, even above FC's own 8 KB.
        let large = Self.request(requestID: "big-ok", headers: (0..<60).map { ("x-h\($0)", Array(kilobyte.utf8)) }, body: Array("fits".utf8))
        let fits = try await Self.exchange(function.port, large)
        #expect(fits?.status == 200 && fits?.text == "fits")
        try await health.verify("60 KB of headers")
    }

    @Test func controlPathsAndMethodsOutsideTheContractGetJSONErrors() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        struct Case {
            let label: String
            let method: String
            let target: String
            var controlPaths: [String] = []
            let status: Int
            var errorType: String?
            var allow: String?
        }
        let cases = [
            Case(label: "control path /nope", method: "POST", target: "/invoke", controlPaths: ["/nope"], status: 400, errorType: "InvalidControlPath"),
            Case(label: "control path /INVOKE", method: "POST", target: "/invoke", controlPaths: ["/INVOKE"], status: 400, errorType: "InvalidControlPath"),
            Case(label: "control path /invoke/", method: "POST", target: "/invoke", controlPaths: ["/invoke/"], status: 400, errorType: "InvalidControlPath"),
            Case(label: "two control paths", method: "POST", target: "/invoke", controlPaths: ["/invoke", "/http-invoke"], status: 400, errorType: "InvalidControlPath"),
            Case(label: "DELETE /invoke", method: "DELETE", target: "/invoke", status: 405, errorType: "MethodNotAllowed", allow: "POST"),
            Case(label: "PUT /invoke", method: "PUT", target: "/invoke", controlPaths: ["/invoke"], status: 405, errorType: "MethodNotAllowed", allow: "POST"),
            Case(label: "GET /initialize", method: "GET", target: "/initialize", status: 405, errorType: "MethodNotAllowed", allow: "POST"),
            Case(label: "DELETE /initialize", method: "DELETE", target: "/initialize", controlPaths: ["/initialize"], status: 405, errorType: "MethodNotAllowed", allow: "POST"),
            Case(label: "DELETE /pre-stop", method: "DELETE", target: "/pre-stop", status: 405, errorType: "MethodNotAllowed", allow: "GET, POST"),
            Case(label: "PUT /pre-freeze", method: "PUT", target: "/pre-freeze", status: 405, errorType: "MethodNotAllowed", allow: "GET, POST"),
            Case(label: "POST /invoke/", method: "POST", target: "/invoke/", status: 404, errorType: "RouteNotFound"),
            Case(label: "POST /Invoke", method: "POST", target: "/Invoke", status: 404, errorType: "RouteNotFound"),
            Case(label: "POST //invoke", method: "POST", target: "//invoke", status: 404, errorType: "RouteNotFound"),
            Case(label: "OPTIONS *", method: "OPTIONS", target: "*", status: 404, errorType: "RouteNotFound"),
            Case(label: "GET / with an unknown control path", method: "GET", target: "/", controlPaths: ["/pre-stop-now"], status: 400, errorType: "InvalidControlPath"),
            Case(label: "POST /invoke?x=1", method: "POST", target: "/invoke?x=1", status: 200),
        ]
        for item in cases {
            var headers = item.controlPaths.map { ("x-fc-control-path", Array($0.utf8)) }
            headers.append(("x-fc-function-handler", Array("echo".utf8)))
            let bytes = Self.request(method: item.method, target: item.target, requestID: "route", headers: headers, body: Array("routed".utf8))
            let reply = try await Self.exchange(function.port, bytes)
            #expect(reply?.status == item.status, "\(item.label): answered \(reply.map { "\($0.status) \($0.text)" } ?? "nothing")")
            if let errorType = item.errorType {
                #expect(reply?.headers["content-type"] == "application/json", "\(item.label)")
                #expect(reply?.headers["x-fc-status"] == nil, "\(item.label): a rejection is not a function outcome")
                let json = reply.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
                #expect(json?["errorType"] as? String == errorType, "\(item.label): \(reply?.text ?? "")")
                #expect(json?["errorMessage"] is String, "\(item.label)")
            } else {
                #expect(reply?.text == "routed", "\(item.label)")
            }
            if let allow = item.allow { #expect(reply?.headers["allow"] == allow, "\(item.label)") }
            try await health.verify(item.label)
        }
    }

    @Test func aHEADRequestGetsNoBodySoTheNextResponseOnTheConnectionIsIntact() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let httpHeaders: [(String, [UInt8])] = [("x-fc-control-path", Array("/http-invoke".utf8)), ("x-fc-function-handler", Array("http".utf8))]
        for (label, head, expected) in [
            ("HEAD /invoke", Self.request(method: "HEAD", target: "/invoke", requestID: "head-1", headers: []), 405),
            ("HEAD on an HTTP function", Self.request(method: "HEAD", target: "/x?status=200", requestID: "head-2", headers: httpHeaders), 200),
        ] {
            let next = Self.request(requestID: "after-head", headers: [("x-fc-function-handler", Array("echo".utf8))], body: Array("after-head".utf8))
            let received = try await Blocking.run {
                let connection = try RawConnection(port: function.port)
                connection.send(head + next)
                return connection.read(until: { $0.firstRange(of: Array("after-head".utf8)) != nil && RawResponse.parse($0, bodyless: true)?.rest.parsedResponse != nil })
            }
            let first = RawResponse.parse(received, bodyless: true)
            #expect(first?.status == expected, "\(label): \(String(decoding: received.prefix(300), as: UTF8.self))")
            let second = first?.rest.parsedResponse
            #expect(second?.status == 200 && second?.text == "after-head", "\(label): what followed the HEAD answer: \(String(decoding: (first?.rest ?? []).prefix(200), as: UTF8.self))")
            try await health.verify(label)
        }
    }

    @Test func truncatedBodiesNeverReachTheHandler() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let baseline = ProcessProbe.openDescriptors(function.processID)
        func head(_ id: String, _ framing: String) -> [UInt8] {
            Array("POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: \(id)\r\nx-fc-function-handler: echo\r\n\(framing)\r\n\r\n".utf8)
        }
        let ten = Array("0123456789".utf8)
        let cases: [(String, [UInt8], halfClose: Bool)] = [
            ("Content-Length 1000, 10 bytes, close", head("cut-1", "Content-Length: 1000") + ten, false),
            ("Content-Length 1000, 10 bytes, half-close", head("cut-2", "Content-Length: 1000") + ten, true),
            ("chunked, cut mid-chunk, close", head("cut-3", "Transfer-Encoding: chunked") + Array("64\r\n".utf8) + ten, false),
            ("chunked, cut mid-chunk, half-close", head("cut-4", "Transfer-Encoding: chunked") + Array("64\r\n".utf8) + ten, true),
            ("chunked, whole chunk without the last one, half-close", head("cut-5", "Transfer-Encoding: chunked") + Array("a\r\n".utf8) + ten + Array("\r\n".utf8), true),
            ("chunked, cut in a chunk size line, half-close", head("cut-6", "Transfer-Encoding: chunked") + Array("a\r\n".utf8) + ten + Array("\r\n6".utf8), true),
            ("chunked, invalid chunk size", head("cut-7", "Transfer-Encoding: chunked") + Array("zz\r\n0123\r\n0\r\n\r\n".utf8), true),
            ("Content-Length and chunked together", head("cut-8", "Content-Length: 4\r\nTransfer-Encoding: chunked") + Array("4\r\nabcd\r\n0\r\n\r\n".utf8), true),
            ("two different Content-Lengths", head("cut-9", "Content-Length: 4\r\nContent-Length: 10") + ten, true),
            ("a negative Content-Length", head("cut-10", "Content-Length: -1") + ten, true),
        ]
        for (label, bytes, halfClose) in cases {
            let reply = try await Blocking.run {
                let connection = try RawConnection(port: function.port)
                connection.send(bytes)
                guard halfClose else { return RawResponse?.none }
                connection.shutdownWrite()
                return connection.read(until: { RawResponse.parse($0) != nil }).parsedResponse
            }
            #expect(reply.map { (400..<500).contains($0.status) } ?? true, "\(label): answered \(reply.map { "\($0.status) \($0.text)" } ?? "")")
            print("HardeningTests \(label): \(reply.map { "\($0.status) \($0.text)" } ?? "no answer")")
            try await health.verify(label)
        }
        let lines = function.stdoutLines
        #expect(!lines.contains { $0.hasPrefix("FC Invoke Start RequestId: cut-") }, "a handler ran with a truncated or ambiguous body")
        let released = try await ProcessProbe.eventually(within: .seconds(10)) { ProcessProbe.openDescriptors(function.processID) <= baseline + 2 }
        #expect(released, "descriptors: \(baseline) before, \(ProcessProbe.openDescriptors(function.processID)) after")
    }

    @Test func clientsThatDisconnectMidRequestOrMidResponseLeaveNothingBehind() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let pid = function.processID
        let descriptorsBefore = try await ProcessProbe.settledDescriptors(pid)  // the health check's socket may still be closing
        let memoryBefore = ProcessProbe.memory(pid).resident

        // Ten clients give up while their (slow) invocations run.
        do {
            let waiting = try (0..<10).map { index in
                let connection = try RawConnection(port: function.port)
                connection.send(Self.request(requestID: "gone-\(index)", headers: [("x-fc-function-handler", Array("sleep".utf8))], body: Array(#"{"ms": 1500}"#.utf8)))
                return connection
            }
            for index in 0..<10 {
                #expect(try await function.waitForLine { $0 == "FC Invoke Start RequestId: gone-\(index)" } != nil)
            }
            #expect(ProcessProbe.openDescriptors(pid) >= descriptorsBefore + 10)
            for connection in waiting { connection.close() }
        }
        for index in 0..<10 {
            #expect(try await function.waitForLine(timeout: .seconds(20)) { $0 == "FC Invoke End RequestId: gone-\(index)" } != nil, "no End line for gone-\(index)")
        }
        try await health.verify("disconnect mid-request")

        // Ten clients read 4 KB of a 64 MiB answer and hang up (10 × 64 MiB would stay behind if the answers leaked).
        for index in 0..<10 {
            let read = try await Blocking.run {
                let connection = try RawConnection(port: function.port)
                connection.send(Self.request(requestID: "cut-reader-\(index)", headers: [("x-fc-function-handler", Array("large".utf8))], body: Array(#"{"mb": 64}"#.utf8)))
                return connection.read(atMost: 4096).count
            }
            #expect(read == 4096)
            #expect(try await function.waitForLine { $0 == "FC Invoke End RequestId: cut-reader-\(index)" } != nil)
        }
        try await health.verify("disconnect mid-response")

        let released = try await ProcessProbe.eventually(within: .seconds(15)) { ProcessProbe.openDescriptors(pid) <= descriptorsBefore + 2 }
        #expect(released, "descriptors: \(descriptorsBefore) before, \(ProcessProbe.openDescriptors(pid)) after")
        let memoryReturned = try await ProcessProbe.eventually(within: .seconds(15)) { ProcessProbe.memory(pid).resident < memoryBefore + 48 << 20 }
        #expect(memoryReturned, "resident memory: \(memoryBefore >> 20) MiB before, \(ProcessProbe.memory(pid).resident >> 20) MiB after")
        print("HardeningTests disconnects: descriptors \(descriptorsBefore) → \(ProcessProbe.openDescriptors(pid)), RSS \(memoryBefore >> 20) → \(ProcessProbe.memory(pid).resident >> 20) MiB")
    }

    @Test func aHundredMiBResponseIsDeliveredWholeAndItsMemoryReturns() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let pid = function.processID
        let before = ProcessProbe.memory(pid)
        let size = 100 * 1024 * 1024
        for round in 0..<2 {
            let reply = try await FCClient(port: function.port).invoke("large", event: #"{"mb": 100}"#, requestID: "large-\(round)")
            #expect(reply.status == 200 && reply.fcStatus == "200")
            #expect(reply.body.count == size)
            #expect(reply.body.first == UInt8(ascii: "x") && reply.body.last == UInt8(ascii: "x"))
            #expect(stride(from: 0, to: reply.body.count, by: 1 << 20).allSatisfy { reply.body[$0] == UInt8(ascii: "x") })
            let peak = ProcessProbe.memory(pid).peak
            #expect(peak >= before.resident + size, "the peak (\(peak >> 20) MiB) does not show the answer was held")
            let returned = try await ProcessProbe.eventually(within: .seconds(15)) { ProcessProbe.memory(pid).resident < before.resident + 48 << 20 }
            #expect(returned, "resident memory: \(before.resident >> 20) MiB before, \(ProcessProbe.memory(pid).resident >> 20) MiB after")
            print("HardeningTests 100 MiB answer: RSS \(before.resident >> 20) MiB before, peak \(peak >> 20) MiB, \(ProcessProbe.memory(pid).resident >> 20) MiB after")
            try await health.verify("100 MiB answer")
        }
    }

    @Test func aThousandConcurrentConnectionsAreAllAnswered() async throws {
        let count = 1000
        let limit = ProcessProbe.raiseOpenFileLimit(to: 4 * count)
        try #require(limit >= 2 * count + 100, "RLIMIT_NOFILE is \(limit)")
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let pid = function.processID
        let before = try await ProcessProbe.settledDescriptors(pid)
        let started = ContinuousClock.now
        let connections = try await Blocking.run { Handed(try (0..<count).map { _ in try RawConnection(port: function.port) }) }
        // Every connection is open at the server at once before any request is sent.
        let allOpen = try await ProcessProbe.eventually(within: .seconds(30)) { ProcessProbe.openDescriptors(pid) >= before + count }
        #expect(allOpen, "the server holds \(ProcessProbe.openDescriptors(pid) - before) of \(count) connections")
        let replies = try await Blocking.run {
            for (index, connection) in connections.value.enumerated() {
                connection.send(Self.request(requestID: "k-\(index)", headers: [("x-fc-function-handler", Array("echo".utf8))], body: Array("body-\(index)".utf8)))
            }
            return connections.value.map { $0.readResponses(1).first.map { Reply(status: $0.status, text: $0.body) } }
        }
        let elapsed = ContinuousClock.now - started
        let wrong = replies.enumerated().filter { $0.element?.status != 200 || $0.element?.text != "body-\($0.offset)" }
        #expect(wrong.isEmpty, "\(wrong.count) wrong answers, first: \(wrong.prefix(3).map { "\($0.offset): \(String(describing: $0.element))" })")
        try await health.verify("1,000 connections")
        let lines = function.stdoutLines
        #expect(lines.filter { $0.hasPrefix("FC Invoke End RequestId: k-") }.count == count)
        for connection in connections.value { connection.close() }
        let released = try await ProcessProbe.eventually(within: .seconds(15)) { ProcessProbe.openDescriptors(pid) <= before + 2 }
        #expect(released, "descriptors: \(before) before, \(ProcessProbe.openDescriptors(pid)) after")
        print("HardeningTests \(count) concurrent connections: all answered in \(elapsed) (RLIMIT_NOFILE \(limit))")
    }

    @Test func slowAndSilentConnectionsDoNotStarveInvocations() async throws {
        let function = try await FunctionProcess()
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let pid = function.processID
        let before = try await ProcessProbe.settledDescriptors(pid)
        let state = TrickleState()
        // 50 connections send a partial request head and then one more byte of it every second; 50 more send nothing.
        let silent = Handed(try (0..<50).map { _ in try RawConnection(port: function.port) })
        let slowloris = Handed(try (0..<50).map { _ in try RawConnection(port: function.port) })
        let trickler = Task.detached {
            try await Blocking.run {
                for connection in slowloris.value { connection.send("POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: slow\r\nx-slow: ") }
                while !state.stop.load(ordering: .relaxed) {
                    Thread.sleep(forTimeInterval: 1)
                    for connection in slowloris.value where connection.trySend([UInt8(ascii: "s")]) { state.trickled.add(1, ordering: .relaxed) }
                }
            }
        }
        defer { state.stop.store(true, ordering: .relaxed) }
        #expect(try await ProcessProbe.eventually(within: .seconds(10)) { ProcessProbe.openDescriptors(pid) >= before + 100 })
        for round in 0..<8 {
            let replies = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        let request = Self.request(
                            requestID: "fast-\(round)-\(index)", headers: [("x-fc-function-handler", Array("echo".utf8))], body: Array("f\(index)".utf8))
                        let reply = try await Self.exchange(function.port, request)
                        return reply?.status == 200 && reply?.text == "f\(index)"
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(replies.count == 10 && replies.allSatisfy { $0 }, "round \(round)")
            try await Task.sleep(for: .milliseconds(500))
        }
        state.stop.store(true, ordering: .relaxed)
        try await trickler.value
        #expect(state.trickled.load(ordering: .relaxed) > 50, "the slow connections were not trickling")
        #expect(!function.stdoutLines.contains { $0.hasPrefix("FC Invoke Start RequestId: slow") })
        try await health.verify("slowloris")
        for connection in silent.value + slowloris.value { connection.close() }
        let released = try await ProcessProbe.eventually(within: .seconds(15)) { ProcessProbe.openDescriptors(pid) <= before + 4 }
        #expect(released, "descriptors: \(before) before, \(ProcessProbe.openDescriptors(pid)) after")
    }

    @Test func theIdleTimeoutClosesSilentStalledAndSlowHeadConnectionsButNotBusyOnes() async throws {
        let function = try await FunctionProcess(environment: ["SWIFT_FC_IDLE_TIMEOUT": "2"])
        defer { function.kill() }
        let health = HealthCheck(function)
        try await health.verify("start")
        let port = function.port
        // Each waits at most 20 s (10× the timeout) for the server to close the connection.
        async let silent = Blocking.run {
            try RawConnection(port: port).waitUntilClosedByPeer(timeout: .seconds(20))
        }
        async let stalledBody = Blocking.run {
            let connection = try RawConnection(port: port)
            connection.send("POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: stalled\r\nContent-Length: 1000\r\n\r\n0123456789")
            return connection.waitUntilClosedByPeer(timeout: .seconds(20))
        }
        async let slowHead = Blocking.run {
            let connection = try RawConnection(port: port)
            connection.send("POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: slow-head\r\nx-slow: ")
            let deadline = ContinuousClock.now.advanced(by: .seconds(20))
            while ContinuousClock.now < deadline {
                if connection.waitUntilClosedByPeer(timeout: .milliseconds(500)) || !connection.trySend([UInt8(ascii: "s")]) { return true }
            }
            return false
        }
        // A connection used every half second outlives the timeout, and an invocation longer than it is answered.
        async let busy = Blocking.run {
            let connection = try RawConnection(port: port)
            var answered = 0
            for index in 0..<10 {
                connection.send(Self.request(requestID: "busy-\(index)", headers: [("x-fc-function-handler", Array("echo".utf8))], body: Array("b\(index)".utf8)))
                if connection.readResponses(1).first.map({ $0.status == 200 && $0.body == "b\(index)" }) == true { answered += 1 }
                Thread.sleep(forTimeInterval: 0.5)
            }
            return answered
        }
        async let long = Self.exchange(port, Self.request(requestID: "long", headers: [("x-fc-function-handler", Array("sleep".utf8))], body: Array(#"{"ms": 5000}"#.utf8)))
        #expect(try await silent, "a silent connection stayed open")
        #expect(try await stalledBody, "a connection whose body stalled stayed open")
        #expect(try await slowHead, "a connection trickling its request head stayed open")
        #expect(try await busy == 10, "a busy keep-alive connection was closed")
        let longReply = try await long
        #expect(longReply?.status == 200 && longReply?.text == #"{"slept":5000}"#, "an invocation longer than the idle timeout was cut")
        #expect(!function.stdoutLines.contains { $0.hasPrefix("FC Invoke Start RequestId: stalled") || $0.hasPrefix("FC Invoke Start RequestId: slow-head") })
        try await health.verify("idle timeout")
    }

    @Test func aTrickledBodyIsCutOffOnceItTakesLongerThanTheIdleTimeout() async throws {
        let function = try await FunctionProcess(environment: ["SWIFT_FC_IDLE_TIMEOUT": "2"])
        defer { function.kill() }
        let port = function.port
        // One body byte a second keeps the connection active for the idle timer; the body's own deadline (the idle
        // timeout, counted from its second part) must end it. Waits at most 20 s (10× the timeout).
        let (received, closed) = try await Blocking.run {
            let connection = try RawConnection(port: port)
            connection.send(Array("POST /invoke HTTP/1.1\r\nHost: x\r\nx-fc-request-id: trickle\r\nContent-Length: 1000\r\n\r\n".utf8))
            var received: [UInt8] = []
            for _ in 0..<20 {
                guard connection.trySend([UInt8(ascii: "t")]) else { return (received, true) }
                let (arrived, closed) = connection.read(during: .seconds(1))
                received += arrived
                if closed { return (received, true) }
            }
            return (received, false)
        }
        #expect(closed, "a connection trickling its body stayed open for 20 s")
        let reply = RawResponse.parse(received)
        #expect(reply?.status == 408, "answered \(String(decoding: received, as: UTF8.self))")
        #expect(reply?.headers["connection"] == "close")
        let json = reply.flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }
        #expect(json?["errorType"] as? String == "RequestTimeout")
        #expect(!function.stdoutLines.contains { $0.hasPrefix("FC Invoke Start RequestId: trickle") })
        try await HealthCheck(function).verify("trickled body")
    }

    // MARK: - Helpers

    /// What the slow-connection thread shares with the test.
    final class TrickleState: Sendable {
        let stop = Atomic<Bool>(false)
        let trickled = Atomic<Int>(0)
    }

    /// One answer read from a raw connection.
    struct Reply: Sendable {
        let status: Int
        let text: String
    }

    /// A request as raw bytes: the request line, `Host`, `x-fc-request-id` (when given), `headers` as they are,
    /// `Content-Length` and `body`.
    static func request(
        method: String = "POST", target: String = "/invoke", requestID: String? = nil, headers: [(String, [UInt8])], body: [UInt8] = []
    ) -> [UInt8] {
        var bytes = Array("\(method) \(target) HTTP/1.1\r\nHost: x\r\n".utf8)
        if let requestID { bytes += Array("x-fc-request-id: \(requestID)\r\n".utf8) }
        for (name, value) in headers { bytes += Array("\(name): ".utf8) + value + Array("\r\n".utf8) }
        bytes += Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        return bytes
    }

    /// Sends `bytes` on a new connection and reads one answer (nil when the server closed without one).
    static func exchange(_ port: Int, _ bytes: [UInt8]) async throws -> RawResponse? {
        try await Blocking.run {
            let connection = try RawConnection(port: port)
            connection.trySend(bytes)
            return connection.read(until: { RawResponse.parse($0) != nil }).parsedResponse
        }
    }
}

/// A response parsed from raw bytes (Content-Length framing; `bodyless` for answers to HEAD).
struct RawResponse: Sendable {
    let status: Int
    /// Header values by lower-cased name (the last one wins).
    let headers: [String: String]
    let body: [UInt8]
    /// What followed the response.
    let rest: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    static func parse(_ bytes: [UInt8], bodyless: Bool = false) -> RawResponse? {
        guard let headEnd = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let lines = String(decoding: bytes[..<headEnd.lowerBound], as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let length = bodyless ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        guard bytes.count - headEnd.upperBound >= length else { return nil }
        let bodyEnd = headEnd.upperBound + length
        return RawResponse(status: status, headers: headers, body: Array(bytes[headEnd.upperBound..<bodyEnd]), rest: Array(bytes[bodyEnd...]))
    }
}

extension [UInt8] {
    /// The first response in these bytes, if they hold a whole one.
    var parsedResponse: RawResponse? { RawResponse.parse(self) }
}

/// The check after each case: the function answers `echo` on a new connection, and every line it wrote since the
/// previous check is valid UTF-8, whole, well-formed, and no forged framing line.
final class HealthCheck {
    let function: FunctionProcess
    /// Bytes of stdout already checked (always just after a newline).
    private var checkedBytes = 0

    init(_ function: FunctionProcess) { self.function = function }

    /// Returns the lines written since the previous check, the health invocation's own included.
    @discardableResult
    func verify(_ label: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String] {
        #expect(function.isRunning, "\(label): the function exited", sourceLocation: sourceLocation)
        let id = "health-\(UUID().uuidString.prefix(8))"
        let reply = try await HardeningTests.exchange(
            function.port,
            HardeningTests.request(requestID: id, headers: [("x-fc-function-handler", Array("echo".utf8)), ("Connection", Array("close".utf8))], body: Array(id.utf8)))
        #expect(reply?.status == 200 && reply?.text == id, "\(label): echo afterwards answered \(reply.map { "\($0.status)" } ?? "nothing")", sourceLocation: sourceLocation)
        let ended = try await function.waitForLine { $0 == "FC Invoke End RequestId: \(id)" }
        #expect(ended != nil, "\(label): no End line for the echo afterwards", sourceLocation: sourceLocation)
        let bytes = function.stdoutBytes
        let end = (bytes.lastIndex(of: UInt8(ascii: "\n")) ?? -1) + 1
        guard end > checkedBytes else { return [] }
        let fresh = bytes[checkedBytes..<end]
        checkedBytes = end
        #expect(String(validating: fresh, as: UTF8.self) != nil, "\(label): stdout is not valid UTF-8", sourceLocation: sourceLocation)
        let lines = String(decoding: fresh, as: UTF8.self).split(separator: "\n").map(String.init)
        for line in lines {
            #expect(RobustnessTests.isWellFormed(line), "\(label): malformed line: \(line.prefix(300))", sourceLocation: sourceLocation)
            #expect(!line.hasPrefix("FC Invoke End RequestId: forged") && !line.hasPrefix(" FC"), "\(label): forged line: \(line.prefix(300))", sourceLocation: sourceLocation)
        }
        return lines
    }
}
