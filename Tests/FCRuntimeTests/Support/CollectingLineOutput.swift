@testable import FCRuntime
import Synchronization

/// Keeps every line written, so tests can assert on the exact output.
final class CollectingLineOutput: LineOutput {
    private let storage = Mutex<[String]>([])

    func writeLine(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        storage.withLock { $0.append(text) }
    }

    /// The lines written so far, without their trailing newline (a write of several lines gives several).
    var lines: [String] {
        storage.withLock { $0.flatMap { $0.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init) } }
    }

    /// What each write call received, newlines included.
    var writes: [String] { storage.withLock { $0 } }
}
