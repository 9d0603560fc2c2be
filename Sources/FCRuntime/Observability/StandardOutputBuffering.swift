// C's `stdout` is a mutable global; this file only passes it to `setvbuf` once, before the server starts.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The buffering of the C standard output stream, which Swift's `print` writes to.
enum StandardOutputBuffering {
    /// Makes `print` leave line by line. Standard output into a pipe (FC's log collector) is otherwise block
    /// buffered: a handler's printed lines would appear in 4 KiB chunks, out of place between the FC Start/End lines,
    /// and could sit in the buffer while the instance is frozen.
    static func makeLineBuffered() {
        fflush(nil)
        setvbuf(stdout, nil, _IOLBF, 0)
    }
}
