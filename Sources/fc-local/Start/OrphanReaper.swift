import Foundation

/// Stops function processes an earlier fc-local left running (it was killed with SIGKILL, so it could not stop
/// them): each instance's pid and start time are recorded while it runs; a pid whose start time still matches is
/// the same process and gets SIGKILL.
enum OrphanReaper {
    static func stopLeftovers(store: PlatformStore, output: PlatformOutput) {
        guard let leftovers = try? store.takeRememberedProcesses() else { return }
        for process in leftovers where startTicks(of: process.pid) == process.startTicks {
            kill(process.pid, SIGKILL)
            output.warning("stopped instance \(process.instanceID) (pid \(process.pid)) left running by an earlier fc-local")
        }
    }

    /// Field 22 of `/proc/PID/stat`: when the process started, in clock ticks since boot.
    static func startTicks(of pid: Int32) -> Int64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the command name start at field 3 (state); field 22 is at index 19.
        guard fields.count > 19 else { return nil }
        return Int64(fields[19])
    }
}
