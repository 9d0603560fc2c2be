#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOPosix
import Synchronization

/// Writes lines to a file descriptor (standard output by default) so that concurrent invocations never split or
/// interleave a line, with as few `write` calls — and so as few wake-ups of the log collector reading the pipe — as
/// FC's freezing allows.
///
/// One caller at a time is the *writer*; lines leave in the order they were handed over.
/// - With fewer than two responses owed (see ``LineOutput``), a line is written at once: with one invocation at a
///   time, every line leaves the moment it is written.
/// - With two or more owed, lines are *held*, and so is every line after them until they leave: within
///   ``holdLimit``, once 16 KiB are held, or — at the latest — before the last owed response leaves, so nothing is
///   stranded when FC freezes the instance.
///
/// When the runtime serves, a crash (a fatal signal) writes the held lines before the process ends
/// (``writeHeldLinesBeforeDying()``); only a kill it cannot catch (SIGKILL, the OOM killer) loses them: at most
/// ``holdLimit``'s worth, and only while several invocations were in flight.
public final class FileDescriptorLineOutput: LineOutput, @unchecked Sendable {
    /// The process's standard output.
    public static let standardOutput = FileDescriptorLineOutput(fileDescriptor: 1)
    /// The process's standard error.
    public static let standardError = FileDescriptorLineOutput(fileDescriptor: 2)

    /// The longest time a line is held while several responses are owed; zero writes every line at once.
    public let holdLimit: Duration
    /// Lines are held only while at least this many responses are owed: a single invocation's lines leave at once.
    static let holdingThreshold = 2
    /// Held lines leave at once when they reach this size (a quarter of Linux's default pipe capacity).
    static let holdLimitBytes = 16 * 1024

    private let fileDescriptor: Int32
    private let holdTimer: TimeAmount
    private let owedResponses = Atomic<Int>(0)
    /// Guards every property below except `batch`, which belongs to the writer.
    private let lock = MutexWithCondition()
    /// Lines handed over and not yet taken by the writer, in order.
    private var queued: [UInt8] = []
    /// The lines the writer took from `queued` and is writing (swapped with `queued`, so neither reallocates).
    private var batch: [UInt8] = []
    private var isWriting = false
    /// Whether a task that writes the held lines is scheduled.
    private var holdTimerIsScheduled = false
    /// Bytes handed over since the start, and bytes of those written (or dropped by a closed descriptor): a flush
    /// that finds another writer at work waits until the second reaches what the first was when it started waiting.
    private var bytesHandedOver: UInt64 = 0
    private var bytesWritten: UInt64 = 0
    private var waitingFlushes = 0

    /// Writes to the given, already open, descriptor, holding lines for at most `holdLimit` while several responses
    /// are owed.
    public init(fileDescriptor: Int32, holdLimit: Duration = .milliseconds(1)) {
        self.fileDescriptor = fileDescriptor
        self.holdLimit = max(holdLimit, .zero)
        self.holdTimer = .nanoseconds(Int64(self.holdLimit.nanoseconds))
    }

    /// Writes the line (a copy is made only if it has to wait).
    public func writeLine(_ line: [UInt8]) {
        line.withUnsafeBytes { writeLine(bytes: $0) }
    }

    /// Writes the lines at once from the caller's memory, then whatever others queued meanwhile; or, when lines are
    /// queued or held, queues a copy that leaves with them.
    public func writeLine(bytes line: UnsafeRawBufferPointer) {
        lock.lock()
        bytesHandedOver &+= UInt64(line.count)
        if isWriting || !queued.isEmpty {
            queued.append(contentsOf: line)
            let writeHeldNow = !isWriting && queued.count >= Self.holdLimitBytes
            if writeHeldNow { isWriting = true }
            lock.unlock()
            if writeHeldNow { writeQueuedLines(afterWriting: 0) }
            return
        }
        // Read under the lock: the flush of the last owed response takes it after counting that response gone.
        if holdLimit > .zero, owedResponses.load(ordering: .relaxed) >= Self.holdingThreshold {
            queued.append(contentsOf: line)
            let scheduleTimer = !holdTimerIsScheduled
            holdTimerIsScheduled = true
            lock.unlock()
            if scheduleTimer {
                MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: holdTimer) { self.writeHeldLines() }
            }
            return
        }
        isWriting = true
        lock.unlock()
        writeFully(line)
        writeQueuedLines(afterWriting: line.count)
    }

    /// Counts a response owed.
    public func responseOwed() {
        owedResponses.add(1, ordering: .relaxed)
    }

    /// Counts the response gone; as the last one owed, writes every line first.
    public func responseLeaving() {
        responsesAbandoned(1)
    }

    /// Counts the responses gone; when none is left owed, writes every line.
    public func responsesAbandoned(_ count: Int) {
        if owedResponses.subtract(count, ordering: .relaxed).newValue <= 0 { flush() }
    }

    /// Writes everything queued, or waits until the writer in progress has written everything queued so far.
    public func flush() {
        lock.lock()
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

    /// For a fatal-signal handler: becomes the writer and writes what is queued, allocating nothing. Waits (up to
    /// ~100 ms) for a writer in progress to finish first, so that no line is split; gives up if the lock stays taken
    /// (the dying thread may hold it). Should the process survive the signal, the output goes on as before.
    func writeHeldLinesBeforeDying() {
        var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        for _ in 0..<100 {
            if lock.tryLock() {
                if !isWriting {
                    isWriting = true
                    lock.unlock()
                    writeQueuedLines(afterWriting: 0)
                    return
                }
                lock.unlock()
            }
            nanosleep(&pause, nil)
        }
    }

    /// The hold timer: writes the held lines unless a writer is at work (it takes them).
    private func writeHeldLines() {
        lock.lock()
        holdTimerIsScheduled = false
        guard !isWriting, !queued.isEmpty else {
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
