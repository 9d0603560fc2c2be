// C's `stdout` is a mutable global; this file replaces or reconfigures it once, before the server starts.
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif
@preconcurrency import CRuntimeSupport

/// Where the C standard output stream goes — the one Swift's `print` writes to.
enum StandardOutputRouting {
    /// Sends what `print` writes, line by line, into `output` (through `fopencookie`), so that printed lines queue with the
    /// runtime's own: in order with the Start, End and log lines, and held and released with them (see
    /// ``FileDescriptorLineOutput``). Without an output, or where the C library has no `fopencookie`, standard
    /// output is made line buffered, so printed lines at least leave line by line.
    ///
    /// Standard output into a pipe (FC's log collector) is otherwise block buffered: a handler's printed lines would
    /// appear in 4 KiB chunks, out of place between the FC Start/End lines, and could sit in the buffer while the
    /// instance is frozen.
    static func route(to output: (any LineOutput)?) {
        fflush(nil)
        if let output {
            let box = Unmanaged.passRetained(PrintedLines(output: output)).toOpaque()  // lives as long as the process
            if let stream = c_line_stream_open(box, { cookie, buffer, size in
                guard let cookie, let buffer, size > 0 else { return 0 }
                Unmanaged<PrintedLines>.fromOpaque(cookie).takeUnretainedValue().output
                    .writeLine(bytes: UnsafeRawBufferPointer(start: buffer, count: size))
                return size
            }) {
                stdout = stream
                return
            }
            Unmanaged<PrintedLines>.fromOpaque(box).release()
        }
        setvbuf(stdout, nil, _IOLBF, 0)
    }

    /// What the stream's write function reaches through its cookie.
    private final class PrintedLines {
        let output: any LineOutput
        init(output: any LineOutput) { self.output = output }
    }
}
