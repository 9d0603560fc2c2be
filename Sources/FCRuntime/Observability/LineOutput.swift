import NIOCore

/// Where the runtime's log lines go. Each call receives one or more complete lines, each ending in `\n`.
public protocol LineOutput: Sendable {
    /// Writes complete lines without interleaving them with any other line.
    func writeLine(_ line: [UInt8])

    /// Writes complete lines lent for the duration of the call. The default copies them into an array for
    /// ``writeLine(_:)``; an output that can write straight from the caller's memory saves the copy.
    func writeLine(bytes line: UnsafeRawBufferPointer)

    /// Writes complete lines that must be out before any task submitted to `eventLoop` after this call runs — the
    /// runtime submits the response of the invocation these lines end right after. An output may hand the lines to
    /// that event loop instead of writing them on the caller's thread, so that lines ending several invocations leave
    /// together. The default writes them at once with ``writeLine(bytes:)``.
    func writeLine(bytes line: UnsafeRawBufferPointer, beforeLaterTasksOf eventLoop: any EventLoop)
}

extension LineOutput {
    /// Copies the lines into an array for ``writeLine(_:)``.
    public func writeLine(bytes line: UnsafeRawBufferPointer) {
        writeLine(Array(line))
    }

    /// Writes the lines at once, with ``writeLine(bytes:)``.
    public func writeLine(bytes line: UnsafeRawBufferPointer, beforeLaterTasksOf eventLoop: any EventLoop) {
        writeLine(bytes: line)
    }
}
