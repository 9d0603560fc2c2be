#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import Testing

@testable import FCRuntime

/// ``FileDescriptorLineOutput``: lines leave at once while fewer than two responses are owed; while more are, they
/// are held until the hold limit, 16 KiB, or the last owed response leaves — and always before that response leaves,
/// whole and in order.
@Suite struct FileDescriptorLineOutputTests {
    /// A pipe whose read end the test drains without blocking.
    final class Pipe: Sendable {
        let readEnd: Int32
        let writeEnd: Int32
        private let received = Mutex<[UInt8]>([])

        init() {
            var fds: [Int32] = [0, 0]
            precondition(pipe(&fds) == 0)
            (readEnd, writeEnd) = (fds[0], fds[1])
            _ = fcntl(readEnd, F_SETFL, fcntl(readEnd, F_GETFL) | O_NONBLOCK)
        }

        /// Reads whatever is in the pipe now, and returns everything received so far.
        @discardableResult
        func drain() -> [UInt8] {
            received.withLock { received in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(readEnd, &buffer, buffer.count)
                    if count <= 0 { break }
                    received.append(contentsOf: buffer[0..<count])
                }
                return received
            }
        }

        /// The lines received so far, without their newlines.
        var lines: [String] {
            String(decoding: drain(), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }

        /// Whether the pipe has no room for another write (so a writer of more is blocked in write(2)).
        var isFull: Bool {
            var descriptor = pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0)
            return poll(&descriptor, 1, 0) == 0
        }

        func closeEnds() {
            close(readEnd)
            close(writeEnd)
        }
    }

    private static func write(_ text: String, to output: FileDescriptorLineOutput) {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { output.writeLine(bytes: $0) }
    }

    /// Long enough that no test below sees the hold timer unless it waits for it.
    private static let longHold: Duration = .seconds(600)

    /// An output into `pipe` with two responses owed, so that it holds what it is given (until the far-off timer).
    private static func holdingOutput(into pipe: Pipe) -> FileDescriptorLineOutput {
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd, holdLimit: longHold)
        output.responseOwed()
        output.responseOwed()
        return output
    }

    /// With one response owed (one invocation at a time), every line is in the pipe when the call returns.
    @Test func withOneResponseOwedLinesLeaveAtOnce() {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd, holdLimit: Self.longHold)
        output.responseOwed()
        Self.write("start", to: output)
        #expect(pipe.lines == ["start"])
        Self.write("end", to: output)
        #expect(pipe.lines == ["start", "end"])
        output.responseLeaving()
        #expect(pipe.lines == ["start", "end"])
    }

    /// With two owed, lines are held — also after the first response leaves — and all are in the pipe, in order, when
    /// the last owed response's `responseLeaving()` returns.
    @Test func heldLinesLeaveBeforeTheLastOwedResponse() {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = Self.holdingOutput(into: pipe)
        for line in ["start a", "start b", "end a"] { Self.write(line, to: output) }
        #expect(pipe.lines.isEmpty)
        output.responseLeaving()
        #expect(pipe.lines.isEmpty, "one response is still owed, so the lines may still be held")
        Self.write("end b", to: output)
        output.responseLeaving()
        #expect(pipe.lines == ["start a", "start b", "end a", "end b"])
    }

    /// Held lines leave within the hold limit even when no response leaves (long invocations in flight).
    @Test func heldLinesLeaveWithinTheHoldLimit() async throws {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd, holdLimit: .milliseconds(5))
        output.responseOwed()
        output.responseOwed()
        Self.write("held", to: output)
        Self.write("held too", to: output)
        for _ in 0..<2000 where pipe.lines.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        #expect(pipe.lines == ["held", "held too"])
    }

    /// Held lines leave once they reach 16 KiB, with nothing leaving and the timer far off.
    @Test func heldLinesLeaveAtSixteenKibibytes() {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = Self.holdingOutput(into: pipe)
        let line = String(repeating: "y", count: 1023)  // 1 KiB with its newline
        for _ in 0..<15 { Self.write(line, to: output) }
        #expect(pipe.lines.isEmpty)
        Self.write(line, to: output)
        #expect(pipe.lines.count == 16)
    }

    /// Owed responses whose connection closed release the held lines when none is left owed.
    @Test func abandonedResponsesReleaseHeldLines() {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = Self.holdingOutput(into: pipe)
        output.responseOwed()
        Self.write("held", to: output)
        output.responsesAbandoned(2)
        #expect(pipe.lines.isEmpty)
        output.responsesAbandoned(1)
        #expect(pipe.lines == ["held"])
    }

    /// The fatal-signal path writes what is held at once, and leaves the output working should the process live on.
    @Test func theFatalSignalPathWritesHeldLinesAndLeavesTheOutputWorking() {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = Self.holdingOutput(into: pipe)
        Self.write("held start", to: output)
        Self.write("held log", to: output)
        #expect(pipe.lines.isEmpty)
        output.writeHeldLinesBeforeDying()
        #expect(pipe.lines == ["held start", "held log"])
        output.responsesAbandoned(2)
        Self.write("afterwards", to: output)
        #expect(pipe.lines == ["held start", "held log", "afterwards"])
    }

    /// A hold limit of zero never holds.
    @Test func aZeroHoldLimitWritesAtOnce() {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd, holdLimit: .zero)
        output.responseOwed()
        output.responseOwed()
        Self.write("at once", to: output)
        #expect(pipe.lines == ["at once"])
    }

    /// 400 invocations on 8 threads, each owing a response, writing a Start, a log and an End line a moment apart,
    /// then letting its response leave: every line arrives whole and once, each invocation's in order, and everything is in the pipe
    /// when the last `responseLeaving()` returns — with the hold timer far off, only the last-owed rule can do that.
    @Test func concurrentInvocationsLeaveEverythingOutWhenTheLastResponseLeaves() async throws {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd, holdLimit: Self.longHold)
        let invocations = 400, threads = 8
        let finished = Atomic<Int>(0)
        let workers = (0..<threads).map { thread in
            Thread {
                for index in stride(from: thread, to: invocations, by: threads) {
                    output.responseOwed()
                    for kind in ["start", "log", "end"] {
                        // Invocations overlap (lines held) and now and then none is owed (lines released).
                        usleep(UInt32.random(in: 0...300))
                        Self.write("\(kind) \(index)", to: output)
                    }
                    output.responseLeaving()
                }
                finished.add(1, ordering: .releasing)
            }
        }
        workers.forEach { $0.start() }
        while finished.load(ordering: .acquiring) < threads {
            pipe.drain()
            try await Task.sleep(for: .milliseconds(1))
        }
        let lines = pipe.lines
        #expect(lines.count == 3 * invocations)
        for index in 0..<invocations {
            let positions = ["start", "log", "end"].map { lines.firstIndex(of: "\($0) \(index)") }
            #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted(), "invocation \(index)")
            #expect(lines.filter { $0 == "end \(index)" }.count == 1)
        }
    }

    /// While another caller's write is blocked (the pipe is full), the last owed response's `responseLeaving()` does
    /// not return until that writer has also written the held End line, and the lines keep their order.
    @Test func theLastResponseWaitsForTheWriterInProgress() async throws {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd, holdLimit: Self.longHold)
        output.responseOwed()
        let big = String(repeating: "x", count: 300_000)
        let writer = Thread { Self.write(big, to: output) }
        writer.start()
        // The writer is inside write(2) once the pipe has no room left.
        for _ in 0..<5000 where !pipe.isFull { try await Task.sleep(for: .milliseconds(1)) }
        try #require(pipe.isFull)
        Self.write("end", to: output)
        let returned = Atomic<Bool>(false)
        let leaving = Thread {
            output.responseLeaving()
            returned.store(true, ordering: .releasing)
        }
        leaving.start()
        try await Task.sleep(for: .milliseconds(100))
        let returnedEarly = returned.load(ordering: .acquiring)
        #expect(!returnedEarly, "responseLeaving returned while the End line was still waiting")
        while !returned.load(ordering: .acquiring) {
            pipe.drain()
            try await Task.sleep(for: .milliseconds(1))
        }
        let lines = pipe.lines
        #expect(lines.map(\.count) == [big.count, 3] && lines.last == "end", "the big line, then the End line, each whole")
    }
}
