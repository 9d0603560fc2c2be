#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Writes lines to a file descriptor (standard output by default) so that concurrent invocations never split or
/// interleave a line, with as few `write` calls — and so as few wake-ups of the log collector reading the pipe — as
/// the order of the lines allows.
///
/// One caller at a time is the *writer*. Lines leave in the order they were handed over:
/// - ``writeLine(bytes:)``: when nobody is writing and no event loop is about to, the caller becomes the writer and
///   writes the line at once — with one invocation in flight, every line leaves the moment it is written. Otherwise
///   the line is queued and leaves with the write in progress or the one about to happen.
/// - ``writeLine(bytes:beforeLaterTasksOf:)`` (the End line and record of an invocation): the line is queued and the
///   event loop that will send the invocation's response gets one task, ahead of the response, that writes
///   everything queued — or waits until the writer in progress has. End lines of invocations answered in the same
///   turn of an event loop, and the lines queued meanwhile, leave in one `write`.
///
/// A writer keeps writing until nothing is queued. A line queued behind a write in progress or a pending flush
/// leaves within one turn of an event loop; if the process dies in that moment, it is lost.
public final class FileDescriptorLineOutput: LineOutput, @unchecked Sendable {
    /// The process's standard output.
    public static let standardOutput = FileDescriptorLineOutput(fileDescriptor: 1)
    /// The process's standard error.
    public static let standardError = FileDescriptorLineOutput(fileDescriptor: 2)

    private let fileDescriptor: Int32
    /// Guards every property below except `batch`, which belongs to the writer.
    private let lock = MutexWithCondition()
    /// Lines handed over and not yet taken by the writer, in order.
    private var queued: [UInt8] = []
    /// The lines the writer took from `queued` and is writing (swapped with `queued`, so neither reallocates).
    private var batch: [UInt8] = []
    private var isWriting = false
    /// Event loops that have a flush task submitted and not yet started.
    private var loopsWithFlushPending: [ObjectIdentifier] = []
    /// Bytes handed over since the start, and bytes of those written (or dropped by a closed descriptor): a flush
    /// that finds another writer at work waits until the second reaches what the first was when it started waiting.
    private var bytesHandedOver: UInt64 = 0
    private var bytesWritten: UInt64 = 0
    private var waitingFlushes = 0

    /// Writes to the given, already open, descriptor.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes the line (a copy is made only if it has to wait).
    public func writeLine(_ line: [UInt8]) {
        line.withUnsafeBytes { writeLine(bytes: $0) }
    }

    /// Writes the lines at once from the caller's memory, then whatever others queued meanwhile; or, when a write is
    /// in progress or an event loop is about to write, queues a copy that leaves with it.
    public func writeLine(bytes line: UnsafeRawBufferPointer) {
        lock.lock()
        bytesHandedOver &+= UInt64(line.count)
        if isWriting || !loopsWithFlushPending.isEmpty {
            queued.append(contentsOf: line)
            lock.unlock()
            return
        }
        isWriting = true
        lock.unlock()
        writeFully(line)
        writeQueuedLines(afterWriting: line.count)
    }

    /// Queues the lines and makes sure `eventLoop` writes them (with everything queued before them) before it runs any
    /// task submitted after this call. Called on that event loop, writes them before returning.
    public func writeLine(bytes line: UnsafeRawBufferPointer, beforeLaterTasksOf eventLoop: any EventLoop) {
        let loop = ObjectIdentifier(eventLoop)
        lock.lock()
        bytesHandedOver &+= UInt64(line.count)
        queued.append(contentsOf: line)
        let submitFlush = !loopsWithFlushPending.contains(loop)
        if submitFlush { loopsWithFlushPending.append(loop) }
        lock.unlock()
        if eventLoop.inEventLoop {
            flush(for: loop)
        } else if submitFlush {
            eventLoop.execute { self.flush(for: loop) }
        }
    }

    /// Writes everything queued, or waits until the writer in progress has written everything queued so far.
    private func flush(for loop: ObjectIdentifier) {
        lock.lock()
        if let index = loopsWithFlushPending.firstIndex(of: loop) { loopsWithFlushPending.remove(at: index) }
        if isWriting {
            let target = bytesHandedOver
            waitingFlushes += 1
            while bytesWritten < target { lock.wait() }
            waitingFlushes -= 1
            lock.unlock()
            return
        }
        guard !queued.isEmpty else {
            lock.unlock()
            return
        }
        isWriting = true
        lock.unlock()
        writeQueuedLines(afterWriting: 0)
    }

    /// The writer's loop: records what it wrote, then takes and writes what was queued, until nothing is.
    private func writeQueuedLines(afterWriting written: Int) {
        var written = written
        while true {
            lock.lock()
            bytesWritten &+= UInt64(written)
            if waitingFlushes > 0 { lock.broadcast() }
            if queued.isEmpty {
                isWriting = false
                lock.unlock()
                return
            }
            swap(&queued, &batch)
            lock.unlock()
            batch.withUnsafeBytes { writeFully($0) }
            written = batch.count
            batch.removeAll(keepingCapacity: true)
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
