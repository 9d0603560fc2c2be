@preconcurrency import CRuntimeSupport

/// Makes a crash write out the lines standard output is holding (see ``FileDescriptorLineOutput``) before the
/// process ends: the Start line and the last log lines of the invocation that crashed are the ones worth having.
enum FatalSignalFlush {
    /// Installs the hook once, before the server starts (the C side keeps the previous handlers and hands each signal
    /// back to them).
    static func install() {
        c_fatal_signals_install { FileDescriptorLineOutput.standardOutput.writeHeldLinesBeforeDying() }
    }
}
