#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import Testing

@testable import FCRuntime

@Suite struct LogLineTests {
    @Test func platformLinesMatchTheContractExactly() {
        #expect(FCLogLine.start(.invoke, requestID: "r-1") == "FC Invoke Start RequestId: r-1")
        #expect(FCLogLine.end(.invoke, requestID: "r-1", outcome: .success) == "FC Invoke End RequestId: r-1")
        #expect(FCLogLine.end(.invoke, requestID: "r-1", outcome: .unhandledError)
            == "FC Invoke End RequestId: r-1, Error: Unhandled function error")
        #expect(FCLogLine.end(.invoke, requestID: "r-1", outcome: .timedOut(seconds: "3"))
            == "FC Invoke End RequestId: r-1, Error: Function timed out after 3 seconds")
        #expect(FCLogLine.start(.initialize, requestID: "r") == "FC Initialize Start RequestId: r")
        #expect(FCLogLine.end(.initialize, requestID: "r", outcome: .success) == "FC Initialize End RequestId: r")
        #expect(FCLogLine.start(.preFreeze, requestID: "r") == "FC PreFreeze Start RequestId: r")
        #expect(FCLogLine.end(.preFreeze, requestID: "r", outcome: .success) == "FC PreFreeze End RequestId: r")
        #expect(FCLogLine.start(.preStop, requestID: "r") == "FC PreStop Start RequestId: r")
        #expect(FCLogLine.end(.preStop, requestID: "r", outcome: .success) == "FC PreStop End RequestId: r")
    }

    @Test func controlCharactersCannotStartANewLine() {
        let line = LineText.line("FC Invoke Start RequestId: a\r\nFC Invoke End RequestId: forged\u{1B}[2J\u{7F}\tz")
        let text = String(decoding: line, as: UTF8.self)
        #expect(text == "FC Invoke Start RequestId: a\\r\\nFC Invoke End RequestId: forged\\u{1B}[2J\\u{7F}\tz\n")
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(line.last == UInt8(ascii: "\n"))
    }

    @Test func nonASCIITextIsKept() {
        #expect(String(decoding: LineText.line("函数计算 ✓"), as: UTF8.self) == "函数计算 ✓\n")
    }

    @Test func timestampsAreISO8601UTCWithMilliseconds() {
        #expect(UTCTimestamp.format(seconds: 0, milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(UTCTimestamp.format(seconds: 1_795_341_600, milliseconds: 123) == "2026-11-22T10:00:00.123Z")
        #expect(UTCTimestamp.now().wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)
    }

    @Test func applicationLinesCarryTimestampRequestIDLevelAndMetadata() throws {
        let output = CollectingLineOutput()
        var logger = Logger(label: "t") { _ in FCLogHandler(requestID: "req-7", output: output, logLevel: .debug) }
        logger.logLevel = .debug
        logger[metadataKey: "b"] = "2"
        logger.info("hello\nworld", metadata: ["a": "1"])
        logger.debug("dbg")
        logger.trace("hidden")
        #expect(output.lines.count == 2)
        let first = try #require(output.lines.first)
        let match = try #require(first.wholeMatch(of: /(\S+) req-7 \[INFO\] hello\\nworld a=1 b=2/))
        #expect(match.1.count == 24)
        #expect(output.lines.last?.hasSuffix(" req-7 [DEBUG] dbg b=2") == true)
    }

    /// 200 writers of lines longer than a pipe's atomic-write size (4 KiB) into one pipe: every line arrives whole.
    @Test func concurrentLinesAreNeverSplitOrInterleaved() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readEnd, writeEnd) = (fds[0], fds[1])
        let output = FileDescriptorLineOutput(fileDescriptor: writeEnd)
        let writers = 200, linesPerWriter = 5
        // The reader blocks in read(2), so it runs on a thread of its own: on one of Swift's cooperative threads (two
        // on this machine) it held up every test running meanwhile.
        let reader = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8], Never>) in
                Thread {
                    var collected: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 65536)
                    while true {
                        let count = read(readEnd, &buffer, buffer.count)
                        if count <= 0 { break }
                        collected.append(contentsOf: buffer[0..<count])
                    }
                    continuation.resume(returning: collected)
                }.start()
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    let payload = String(repeating: Character(UnicodeScalar(UInt8(65 + writer % 26))), count: 6000)
                    for index in 0..<linesPerWriter { output.writeLine(LineText.line("w\(writer) i\(index) \(payload)")) }
                }
            }
        }
        close(writeEnd)
        let bytes = await reader.value
        close(readEnd)
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == writers * linesPerWriter)
        // `w<writer> i<index> <6000 copies of one letter>`, checked on bytes (Characters made this test take seconds).
        for line in lines {
            let parts = line.split(separator: UInt8(ascii: " "))
            let payload = parts.count == 3 ? parts[2] : []
            #expect(parts.count == 3 && payload.count == 6000 && payload.allSatisfy { $0 == payload.first })
        }
    }
}

@Suite struct LogLineBytesTests {
    @Test func theByteFormsEqualTheTextFormsPlusANewline() {
        for operation in FCLogLine.Operation.allCases {
            for outcome in [FCLogLine.Outcome.success, .unhandledError, .timedOut(seconds: "2.5")] {
                #expect(String(decoding: FCLogLine.endLine(operation, requestID: "r-1", outcome: outcome), as: UTF8.self)
                    == FCLogLine.end(operation, requestID: "r-1", outcome: outcome) + "\n")
            }
            #expect(String(decoding: FCLogLine.startLine(operation, requestID: "r-1"), as: UTF8.self)
                == FCLogLine.start(operation, requestID: "r-1") + "\n")
        }
    }

    @Test func theRequestIDIsEscapedInTheByteForms() {
        let line = String(decoding: FCLogLine.startLine(.invoke, requestID: "a\nFC Invoke End RequestId: forged"), as: UTF8.self)
        #expect(line == "FC Invoke Start RequestId: a\\nFC Invoke End RequestId: forged\n")
    }
}
