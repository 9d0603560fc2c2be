import Foundation

/// SIGINT and SIGTERM as an awaitable event, so that `fc-local start` can stop its instances gracefully.
///
/// The handler only writes a byte to a pipe (async-signal-safe). Handled signals go back to their default on
/// `exec`, so functions started afterwards still get SIGTERM's default and their own handlers.
enum ShutdownSignal {
    /// Installs the handlers; the stream yields the signal number each time one arrives.
    static func install() -> AsyncStream<Int32> {
        var descriptors: [Int32] = [0, 0]
        pipe(&descriptors)
        signalPipeWriteEnd = descriptors[1]
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        let readEnd = descriptors[0]
        // A plain thread blocked in read(2): nothing to retain, nothing on the concurrency pool.
        Thread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 { continuation.yield(Int32(byte)) }
        }.start()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { received in
                var byte = UInt8(truncatingIfNeeded: received)
                _ = write(signalPipeWriteEnd, &byte, 1)
            }
        }
        return stream
    }
}

/// The pipe the signal handler writes to (set once, before the handlers are installed).
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
