import Foundation

extension Process {
    /// Waits until the process has exited, at most `limit`, by polling `isRunning`; tells whether it exited.
    ///
    /// Not `waitUntilExit()`: it spins a run loop on the calling thread, and in one local test run two test threads
    /// stayed in it for 15 minutes after SIGKILL (the children long reaped), holding both of Swift's cooperative
    /// threads and with them the whole test run.
    @discardableResult
    public func waitForExit(upTo limit: Duration = .seconds(10)) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while isRunning, ContinuousClock.now < deadline { usleep(1000) }
        return !isRunning
    }
}

/// A process still running after SIGKILL and the bounded wait (its status cannot be read then).
public struct ProcessDidNotExit: Error, CustomStringConvertible {
    /// The process that did not exit.
    public let pid: Int32

    /// Creates the error for the process `pid`.
    public init(pid: Int32) {
        self.pid = pid
    }

    /// Names the process.
    public var description: String { "process \(pid) did not exit after SIGKILL" }
}
