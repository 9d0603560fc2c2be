import Logging
import Synchronization

/// The instance's monitoring state shared by invocations and the periodic sampler: requests in flight (and the
/// peak since the last sample), the names of the last invocation, and a memory gauge that re-reads the kernel at
/// most every 100 ms (so a busy instance does not read cgroup files on every invocation).
final class InstanceMonitor: Sendable {
    /// Service, function, qualifier and version of the last invocation (records are named after them).
    struct Names: Sendable, Equatable {
        var serviceName: String
        var functionName: String
        var qualifier: String
        var versionID: String
        var memoryMB: Int
    }

    let reader: ResourceReader
    let host: HostIdentity
    let instanceID: String
    private let inFlight = Atomic<Int>(0)
    private let peakInFlight = Atomic<Int>(0)
    private let names: Mutex<Names>
    private let cachedUsage = Mutex<(at: ContinuousClock.Instant, bytes: Int64?)?>(nil)
    private let warnedFields = Mutex<Set<String>>([])
    private let cgroupHasMemoryLimit: Bool

    static let memoryCacheLifetime: Duration = .milliseconds(100)

    init(platform: PlatformEnvironment, reader: ResourceReader = ResourceReader(), host: HostIdentity = .current) {
        self.reader = reader
        self.host = host
        self.instanceID = platform.instanceID.isEmpty ? host.hostname : platform.instanceID
        self.names = Mutex(
            Names(
                serviceName: platform.serviceName, functionName: platform.functionName,
                qualifier: platform.qualifier.isEmpty ? "LATEST" : platform.qualifier, versionID: platform.versionID,
                memoryMB: platform.memoryMB ?? 128))
        self.cgroupHasMemoryLimit = reader.cgroupMemoryLimit() != nil
    }

    // MARK: - Requests in flight

    /// Counts an invocation as started and remembers its names.
    func invocationStarted(_ context: FCContext) {
        let now = inFlight.add(1, ordering: .relaxed).newValue
        var peak = peakInFlight.load(ordering: .relaxed)
        while now > peak {
            let (exchanged, original) = peakInFlight.compareExchange(expected: peak, desired: now, ordering: .relaxed)
            if exchanged { break }
            peak = original
        }
        let service = context.service, function = context.function
        names.withLock { names in
            guard names.serviceName != service.name || names.functionName != function.name || names.qualifier != service.qualifier
                || names.versionID != service.versionID || names.memoryMB != function.memoryMB
            else { return }
            names = Names(
                serviceName: service.name, functionName: function.name, qualifier: service.qualifier, versionID: service.versionID,
                memoryMB: function.memoryMB)
        }
    }

    /// Counts an invocation as finished.
    func invocationFinished() {
        inFlight.subtract(1, ordering: .relaxed)
    }

    /// Invocations running now.
    var invocationsInFlight: Int { inFlight.load(ordering: .relaxed) }

    /// The highest number of concurrent invocations since the last call (at least the current number).
    func takePeakInFlight() -> Int {
        let current = inFlight.load(ordering: .relaxed)
        return max(current, peakInFlight.exchange(current, ordering: .relaxed))
    }

    var lastNames: Names { names.withLock { $0 } }

    // MARK: - Memory

    /// The instance's memory usage in bytes: the cgroup's (minus inactive file cache) when the cgroup has a limit,
    /// else this process's resident set. Re-read at most every 100 ms.
    func memoryUsageBytes(now: ContinuousClock.Instant = .now) -> Int64? {
        if let cached = cachedUsage.withLock({ $0 }), now - cached.at < Self.memoryCacheLifetime { return cached.bytes }
        let bytes = cgroupHasMemoryLimit ? reader.cgroupMemoryUsage() ?? reader.processResidentBytes() : reader.processResidentBytes()
        cachedUsage.withLock { $0 = (now, bytes) }
        return bytes
    }

    /// The instance's memory limit in bytes: the cgroup's, else the function's memory size, else the host's.
    func memoryLimitBytes(functionMemoryMB: Int?) -> Int64? {
        reader.cgroupMemoryLimit() ?? functionMemoryMB.map { Int64($0) * 1024 * 1024 } ?? reader.hostMemoryBytes()
    }

    // MARK: - Warnings

    /// Logs `message` the first time `field` cannot be read; later failures of the same field stay silent.
    func warnOnce(field: String, _ message: String, logger: Logger) {
        let first = warnedFields.withLock { $0.insert(field).inserted }
        if first { logger.warning("\(message); reporting 0") }
    }
}

extension Int64 {
    /// Bytes as mebibytes.
    var megabytes: Double { Double(self) / 1_048_576 }
}
