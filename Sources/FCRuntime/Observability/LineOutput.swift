#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where the runtime's log lines go. Each call receives one complete line, newline included.
public protocol LineOutput: Sendable {
    /// Writes one complete line (ending in `\n`) without interleaving it with any other line.
    func writeLine(_ line: [UInt8])
}

/// Writes lines to a file descriptor (standard output by default), each with one `write` under a lock,
/// so that concurrent invocations never split or interleave a line.
public final class FileDescriptorLineOutput: LineOutput {
    /// The process's standard output.
    public static let standardOutput = FileDescriptorLineOutput(fileDescriptor: 1)
    /// The process's standard error.
    public static let standardError = FileDescriptorLineOutput(fileDescriptor: 2)

    private let fileDescriptor: Int32
    // The lock is held only for the write itself; it orders whole lines, nothing else.
    private let lock = Mutex<Void>(())

    /// Writes to the given, already open, descriptor.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// Writes the line, retrying short writes and interrupted calls; a closed descriptor drops the line.
    public func writeLine(_ line: [UInt8]) {
        lock.withLock { _ in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0 && errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
