import Synchronization

/// A thread-safe counter that closures can capture (an `Atomic` cannot be captured by escaping closures).
final class TestCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Adds one and returns the new value.
    @discardableResult
    func increment() -> Int { count.add(1, ordering: .relaxed).newValue }

    /// The current value.
    var value: Int { count.load(ordering: .relaxed) }
}
