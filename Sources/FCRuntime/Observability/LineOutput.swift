/// Where the runtime's log lines go. Each call receives one or more complete lines, each ending in `\n`.
///
/// The server also tells the output which responses the platform is waiting for. FC freezes an instance only when
/// none is owed, so an output may hold lines back while responses are owed, but must have written every line handed
/// over before ``responseLeaving()`` returns for the last one. The defaults hold nothing and so ignore these calls.
public protocol LineOutput: Sendable {
    /// Writes complete lines without interleaving them with any other line.
    func writeLine(_ line: [UInt8])

    /// Writes complete lines lent for the duration of the call. The default copies them into an array for
    /// ``writeLine(_:)``; an output that can write straight from the caller's memory saves the copy.
    func writeLine(bytes line: UnsafeRawBufferPointer)

    /// A request arrived: its response is owed until ``responseLeaving()`` or ``responsesAbandoned(_:)``.
    func responseOwed()

    /// An owed response is about to be written (called on its connection's event loop, before its bytes are).
    func responseLeaving()

    /// Owed responses that will never be written (their connection closed).
    func responsesAbandoned(_ count: Int)

    /// Writes every line handed over so far before returning. The runtime calls it before the process exits.
    func flush()
}

extension LineOutput {
    /// Copies the lines into an array for ``writeLine(_:)``.
    public func writeLine(bytes line: UnsafeRawBufferPointer) {
        writeLine(Array(line))
    }

    /// Does nothing.
    public func responseOwed() {}

    /// Does nothing.
    public func responseLeaving() {}

    /// Does nothing.
    public func responsesAbandoned(_ count: Int) {}

    /// Does nothing.
    public func flush() {}
}
