#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads the instance's resource figures from cgroup v1/v2 and `/proc`, with the fall-backs of the monitoring
/// manual: the cgroup when it has a limit, else the process; a missing or unreadable file gives `nil` (the caller
/// reports 0 and warns once).
struct ResourceReader: Sendable {
    let files: SystemFiles
    let layout: CgroupLayout

    init(files: SystemFiles = .live) {
        self.files = files
        self.layout = CgroupLayout.discover(in: files)
    }

    /// The cgroup's memory limit in bytes, or `nil` when there is none ("max" or v1's huge sentinel).
    func cgroupMemoryLimit() -> Int64? {
        if let directory = layout.unified, let text = files.firstLine(directory + "/memory.max") {
            return text == "max" ? nil : Int64(text)
        }
        if let directory = layout.memoryV1, let value = files.firstLine(directory + "/memory.limit_in_bytes").flatMap({ Int64($0) }) {
            // v1 reports "unlimited" as a page-rounded Int64.max.
            return value >= Int64.max / 2 ? nil : value
        }
        return nil
    }

    /// The cgroup's memory usage minus its inactive file cache (as `docker stats` and the kubelet count it).
    func cgroupMemoryUsage() -> Int64? {
        if let directory = layout.unified, let current = files.firstLine(directory + "/memory.current").flatMap({ Int64($0) }) {
            let inactive = files.keyValues(directory + "/memory.stat")?["inactive_file"] ?? 0
            return max(0, current - inactive)
        }
        if let directory = layout.memoryV1, let usage = files.firstLine(directory + "/memory.usage_in_bytes").flatMap({ Int64($0) }) {
            let stat = files.keyValues(directory + "/memory.stat")
            let inactive = stat?["total_inactive_file"] ?? stat?["inactive_file"] ?? 0
            return max(0, usage - inactive)
        }
        return nil
    }

    /// The process's resident set size in bytes (`VmRSS`).
    func processResidentBytes() -> Int64? {
        files.kilobyteField("VmRSS:", in: "/proc/self/status")
    }

    /// The host's memory in bytes (`MemTotal`).
    func hostMemoryBytes() -> Int64? {
        files.kilobyteField("MemTotal:", in: "/proc/meminfo")
    }

    /// CPU time used so far in nanoseconds: the cgroup's accounting, else this process's user + system time.
    func cpuTimeNanoseconds() -> Int64? {
        if let directory = layout.unified, let usec = files.keyValues(directory + "/cpu.stat")?["usage_usec"] {
            return usec * 1000
        }
        if let directory = layout.cpuacctV1 ?? layout.cpuV1, let ns = files.firstLine(directory + "/cpuacct.usage").flatMap({ Int64($0) }) {
            return ns
        }
        return processCPUTimeNanoseconds()
    }

    /// This process's user + system time from `/proc/self/stat`, in nanoseconds.
    func processCPUTimeNanoseconds() -> Int64? {
        guard let fields = statFields(), fields.count > 14, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return (user + system) * 1_000_000_000 / Int64(Self.clockTicksPerSecond)
    }

    /// The CPU quota in percent of one core (`cpu.max` / `cpu.cfs_quota_us`), or `nil` when unlimited.
    func cgroupCPUQuotaPercent() -> Double? {
        if let directory = layout.unified, let text = files.firstLine(directory + "/cpu.max") {
            let parts = text.split(separator: " ")
            guard parts.count == 2, parts[0] != "max", let quota = Double(parts[0]), let period = Double(parts[1]), period > 0 else { return nil }
            return quota / period * 100
        }
        if let directory = layout.cpuV1,
           let quota = files.firstLine(directory + "/cpu.cfs_quota_us").flatMap({ Double($0) }),
           let period = files.firstLine(directory + "/cpu.cfs_period_us").flatMap({ Double($0) }),
           quota > 0, period > 0
        {
            return quota / period * 100
        }
        return nil
    }

    /// Received and transmitted bytes summed over every interface but loopback (`/proc/net/dev`).
    func networkBytes() -> (received: Int64, transmitted: Int64)? {
        guard let text = files.read("/proc/net/dev") else { return nil }
        var received: Int64 = 0, transmitted: Int64 = 0
        for line in text.split(separator: "\n").dropFirst(2) {
            let halves = line.split(separator: ":", maxSplits: 1)
            guard halves.count == 2 else { continue }
            let name = String(halves[0]).trimmingCharacters(in: " ")
            guard name != "lo" else { continue }
            let numbers = halves[1].split(separator: " ").compactMap { Int64($0) }
            guard numbers.count >= 9 else { continue }
            received += numbers[0]
            transmitted += numbers[8]
        }
        return (received, transmitted)
    }

    /// How long ago the kernel started this process (`/proc/self/stat` start time against the boot clock), so
    /// that time spent before `main` — loading, dynamic linking — counts in the cold start.
    func processAge() -> Duration? {
        guard let fields = statFields(), fields.count > 19, let ticks = Int64(fields[19]) else { return nil }
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        let nowNanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        let startNanoseconds = ticks * 1_000_000_000 / Int64(Self.clockTicksPerSecond)
        return .nanoseconds(max(0, nowNanoseconds - startNanoseconds))
    }

    /// The fields of `/proc/self/stat` after the command name (field 3, the state, is index 0).
    private func statFields() -> [Substring]? {
        guard let text = files.read("/proc/self/stat"), let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    static let clockTicksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))
}
