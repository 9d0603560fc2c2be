#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where the runtime's log lines go. Each call receives one or more complete lines, each ending in `\n`.
public protocol LineOutput: Sendable {
    /// Writes complete lines without interleaving them with any other line.
    func writeLine(_ line: [UInt8])

    /// Writes complete lines lent for the duration of the call. The default copies them into an array for
    /// ``writeLine(_:)``; an output that can write straight from the caller's memory saves the copy.
    func writeLine(bytes line: UnsafeRawBufferPointer)
}

extension LineOutput {
    /// Copies the lines into an array for ``writeLine(_:)``.
    public func writeLine(bytes line: UnsafeRawBufferPointer) {
        writeLine(Array(line))
    }
}

/// Writes lines to a file descriptor (standard output by default) so that concurrent invocations never split or
/// interleave a line, with as few system calls as possible.
///
/// Writers combine: a caller that finds no write in progress becomes the writer and writes its line — plus every
/// line other callers queued meanwhile — with one `write`, repeating until the queue is empty. When the runtime is
/// idle that is exactly one synchronous `write` per line; under load many lines share one call, which saves the
/// system calls and, above all, the wake-ups of the log collector reading the pipe. Lines keep their order.
public final class FileDescriptorLineOutput: LineOutput {
    /// The process's standard output.
    public static let standardOutput = FileDescriptorLineOutput(fileDescriptor: 1)
    /// The process's standard error.
    public static let standardError = FileDescriptorLineOutput(fileDescriptor: 2)

    private struct Queue {
        var pending: [UInt8] = []
        var isWriting = false
    }

    private let fileDescriptor: Int32
    private let queue = Mutex(Queue())

    /// Writes to the given, already open, descriptor.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Queues the line; writes it (and whatever else is queued) unless another caller is already writing.
    public func writeLine(_ line: [UInt8]) {
        line.withUnsafeBytes { writeLine(bytes: $0) }
    }

    /// Queues the lines (a copy) when another caller is writing; otherwise writes them straight from the caller's
    /// memory, then whatever other callers queued meanwhile.
    public func writeLine(bytes line: UnsafeRawBufferPointer) {
        let writesNow = queue.withLock { queue in
            if queue.isWriting {
                queue.pending.append(contentsOf: line)
                return false
            }
            queue.isWriting = true
            return true
        }
        guard writesNow else { return }
        writeFully(line)
        while let batch = takePendingOrStopWriting() {
            batch.withUnsafeBytes { writeFully($0) }
        }
    }

    private func takePendingOrStopWriting() -> [UInt8]? {
        queue.withLock { queue in
            guard !queue.pending.isEmpty else {
                queue.isWriting = false
                return nil
            }
            defer { queue.pending.removeAll(keepingCapacity: true) }
            return queue.pending
        }
    }

    /// Writes all bytes, retrying short writes and interrupted calls; a closed descriptor drops them.
    private func writeFully(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(fileDescriptor, base + offset, buffer.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}
