import Synchronization

/// Random, non-zero span and trace ids without a system call per id: SplitMix64 over a per-process random seed and
/// an atomic counter. SplitMix64's output function is a bijection, so ids never repeat within a process.
enum SpanIDGenerator {
    private static let seed = UInt64.random(in: 1...UInt64.max)
    private static let counter = Atomic<UInt64>(0)

    /// A fresh non-zero 64-bit id.
    static func next() -> UInt64 {
        while true {
            let (count, _) = counter.add(1, ordering: .relaxed)
            var z = seed &+ count &* 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            if z != 0 { return z }
        }
    }

    /// A fresh 128-bit trace id.
    static func traceID() -> TraceIdentifier {
        TraceIdentifier(high: next(), low: next())
    }
}
