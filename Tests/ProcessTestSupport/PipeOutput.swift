import Foundation
import Synchronization

/// What a child process writes to one pipe, collected on the pipe's handler thread until the pipe ends.
///
/// A process can exit before its last bytes have reached the handler: read its output after ``waitUntilComplete(upTo:)``,
/// which waits for the pipe's end (every writer closed it) rather than for a guessed while.
public final class PipeOutput: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var isComplete = false
    }
    private let state = Mutex(State())

    /// An empty collector; ``collect(from:)`` starts it.
    public init() {}

    /// Collects what is written to `pipe` from now on.
    public func collect(from pipe: Pipe) {
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in take(from: handle) }
    }

    private func take(from handle: FileHandle) {
        let chunk = handle.availableData
        // An empty read is the pipe's end; the handler would otherwise keep being called with nothing.
        if chunk.isEmpty { handle.readabilityHandler = nil }
        state.withLock { state in
            if chunk.isEmpty { state.isComplete = true } else { state.bytes.append(contentsOf: chunk) }
        }
    }

    /// Whether the pipe has ended and everything written before was collected.
    public var isComplete: Bool { state.withLock { $0.isComplete } }

    /// The bytes collected so far.
    public var bytes: [UInt8] { state.withLock { $0.bytes } }

    /// The bytes collected so far, as UTF-8 text.
    public var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }

    /// Waits until the pipe has ended, at most `limit` (a writer that outlives the process, such as its own child,
    /// keeps the pipe open).
    public func waitUntilComplete(upTo limit: Duration = .seconds(10)) async {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while !isComplete, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
