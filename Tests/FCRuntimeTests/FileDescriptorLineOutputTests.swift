#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import FCRuntime

/// The event-loop hand-over of ``FileDescriptorLineOutput``: lines given with an event loop are in the pipe before
/// that loop runs any task submitted after them, in order with the lines written directly, each line whole.
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

    private static func write(_ text: String, to output: FileDescriptorLineOutput, before loop: (any EventLoop)? = nil) {
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { line in
            if let loop { output.writeLine(bytes: line, beforeLaterTasksOf: loop) } else { output.writeLine(bytes: line) }
        }
    }

    /// 400 invocations on two event loops, each writing a log line directly and then its End line through its loop:
    /// each End line is in the pipe when a task the invocation submits afterwards runs on the loop (where the runtime
    /// sends the response), and every invocation's two lines arrive whole, once, log line first.
    @Test func endLinesAreInThePipeBeforeTheirLoopsLaterTasksRun() async throws {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loops = Array(group.makeIterator())
        let invocations = 400
        let seenBeforeResponse = try await withThrowingTaskGroup(of: Bool.self) { tasks in
            for index in 0..<invocations {
                tasks.addTask {
                    let loop = loops[index % loops.count]
                    Self.write("log \(index)", to: output)
                    Self.write("end \(index)", to: output, before: loop)
                    return try await loop.submit { pipe.lines.contains("end \(index)") }.get()
                }
            }
            return try await tasks.reduce(into: 0) { count, seen in count += seen ? 1 : 0 }
        }
        try await group.shutdownGracefully()
        #expect(seenBeforeResponse == invocations)
        let lines = pipe.lines
        #expect(lines.count == 2 * invocations)
        for index in 0..<invocations {
            let log = lines.firstIndex(of: "log \(index)"), end = lines.firstIndex(of: "end \(index)")
            #expect(log != nil && end != nil && log! < end!, "invocation \(index)")
            #expect(lines.filter { $0 == "end \(index)" }.count == 1)
        }
    }

    /// Called on the event loop itself, the lines are written before the call returns.
    @Test func onItsOwnEventLoopTheLinesAreWrittenBeforeReturning() async throws {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let seen = try await loop.submit {
            Self.write("end on the loop", to: output, before: loop)
            return pipe.lines
        }.get()
        try await group.shutdownGracefully()
        #expect(seen == ["end on the loop"])
    }

    /// While another caller's write is blocked (the pipe is full), a loop's flush waits for that writer to write the
    /// End line too — the loop's later task does not run before — and the lines keep their order.
    @Test func aFlushWaitsForTheWriterInProgress() async throws {
        let pipe = Pipe()
        defer { pipe.closeEnds() }
        let output = FileDescriptorLineOutput(fileDescriptor: pipe.writeEnd)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let big = String(repeating: "x", count: 300_000)
        let writer = Thread { Self.write(big, to: output) }
        writer.start()
        // The writer is inside write(2) once the pipe has no room left.
        for _ in 0..<5000 where !pipe.isFull { try await Task.sleep(for: .milliseconds(1)) }
        try #require(pipe.isFull)
        Self.write("end", to: output, before: loop)
        let laterTaskRan = Atomic<Bool>(false)
        let later = loop.submit { laterTaskRan.store(true, ordering: .relaxed) }
        try await Task.sleep(for: .milliseconds(100))
        let ranEarly = laterTaskRan.load(ordering: .relaxed)
        #expect(!ranEarly, "the loop ran its later task while the End line was still waiting")
        // Drain until the writer is done; then the loop's task runs.
        while !laterTaskRan.load(ordering: .relaxed) {
            pipe.drain()
            try await Task.sleep(for: .milliseconds(1))
        }
        try await later.get()
        try await group.shutdownGracefully()
        #expect(pipe.lines == [big, "end"])
    }
}
