@testable import FCRuntime
import Synchronization

/// Keeps every line written, so tests can assert on the exact output.
final class CollectingLineOutput: LineOutput {
    private let storage = Mutex<[String]>([])

    func writeLine(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self)
        storage.withLock { $0.append(text) }
    }

    /// The lines written so far, without their trailing newline.
    var lines: [String] {
        storage.withLock { $0.map { String($0.dropLast()) } }
    }

    /// The raw lines, newline included.
    var rawLines: [String] { storage.withLock { $0 } }
}
