import FCRuntime
import Synchronization

/// A `LineOutput` that keeps every write, so a harness can check what the runtime would have printed.
public final class CollectingOutput: LineOutput {
    private let storage = Mutex<[[UInt8]]>([])

    /// An empty collector.
    public init() {}

    /// Keeps the write.
    public func writeLine(_ line: [UInt8]) {
        storage.withLock { $0.append(line) }
    }

    /// The bytes of each `writeLine` call, in order.
    public var writes: [[UInt8]] { storage.withLock { $0 } }
}
