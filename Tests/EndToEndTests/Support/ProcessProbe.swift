import Foundation

/// What `/proc` tells about a running process (Linux): open descriptors and memory.
enum ProcessProbe {
    /// The number of open file descriptors of `pid`.
    static func openDescriptors(_ pid: Int32) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? -1
    }

    /// The number of open file descriptors of `pid` once it holds still: two reads 100 ms apart agree (at most 2 s).
    /// A baseline taken right after a `Connection: close` exchange would otherwise count a socket that is closing.
    static func settledDescriptors(_ pid: Int32) async throws -> Int {
        var count = openDescriptors(pid)
        for _ in 0..<20 {
            try await Task.sleep(for: .milliseconds(100))
            let now = openDescriptors(pid)
            if now == count { break }
            count = now
        }
        return count
    }

    /// Resident memory now (`VmRSS`) and its peak since start (`VmHWM`), in bytes.
    static func memory(_ pid: Int32) -> (resident: Int, peak: Int) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (-1, -1) }
        func kilobytes(_ field: String) -> Int {
            let line = status.split(separator: "\n").first { $0.hasPrefix(field + ":") } ?? ""
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        return (kilobytes("VmRSS") * 1024, kilobytes("VmHWM") * 1024)
    }

    /// Raises this process's soft limit of open files to at least `minimum` (up to the hard limit); processes
    /// started afterwards inherit it. Returns the soft limit in effect.
    @discardableResult
    static func raiseOpenFileLimit(to minimum: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < rlim_t(minimum) {
            limit.rlim_cur = min(rlim_t(minimum), limit.rlim_max)
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }

    /// Polls `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
    static func eventually(within timeout: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// Runs blocking socket work on a thread of its own, so that it never holds one of the few threads of Swift's
/// cooperative pool (other suites run at the same time).
enum Blocking {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

/// Hands a non-`Sendable` value (a ``RawConnection``) to a ``Blocking`` closure; the caller makes sure only one
/// side uses it at a time.
final class Handed<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
