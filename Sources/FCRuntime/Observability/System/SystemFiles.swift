#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads small kernel files (`/proc`, `/sys/fs/cgroup`) below a root, so that tests can point the readers at
/// fixture directories laid out like a real machine.
struct SystemFiles: Sendable {
    /// The directory standing for `/`; empty for the real file system.
    let root: String

    /// The real file system.
    static let live = SystemFiles(root: "")

    /// The whole file as text, or `nil` when it cannot be read.
    func read(_ path: String) -> String? {
        readBytes(path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The whole file as bytes, or `nil` when it cannot be read.
    func readBytes(_ path: String) -> [UInt8]? {
        let descriptor = open(root + path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The file's first line trimmed, or `nil`.
    func firstLine(_ path: String) -> String? {
        read(path).map { text in
            String(text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: " \t")
        }
    }

    /// Whether the path exists.
    func exists(_ path: String) -> Bool {
        access(root + path, F_OK) == 0
    }

    /// `key value` lines (as in `memory.stat`, `cpu.stat`) as a dictionary of integers.
    func keyValues(_ path: String) -> [String: Int64]? {
        guard let text = read(path) else { return nil }
        var result: [String: Int64] = [:]
        for line in Self.lines(text) {
            let parts = Self.words(line)
            if parts.count == 2, let value = Int64(parts[1]) { result[String(parts[0])] = value }
        }
        return result
    }

    /// The value of a `Key:   123 kB` line (`/proc/self/status`, `/proc/meminfo`) in bytes.
    /// Parsed on the bytes: the memory gauge reads `/proc/self/status` (~1.5 KB) while invocations run.
    func kilobyteField(_ key: String, in path: String) -> Int64? {
        guard let bytes = readBytes(path) else { return nil }
        let key = Array(key.utf8)
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            if lineEnd - lineStart >= key.count, bytes[lineStart..<lineStart + key.count].elementsEqual(key) {
                var index = lineStart + key.count
                while index < lineEnd, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") { index += 1 }
                let digitsStart = index
                while index < lineEnd, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                // More than 15 digits of kB would overflow as bytes: no real value, so no value.
                guard index > digitsStart, index - digitsStart <= 15 else { return nil }
                let kilobytes = bytes[digitsStart..<index].reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
                return kilobytes * 1024
            }
            lineStart = lineEnd + 1
        }
        return nil
    }

    /// The lines of a kernel file, split on bytes: these files are ASCII, and splitting on `Character`s would pay
    /// for grapheme breaking on every byte (the memory gauge reads them while invocations run).
    static func lines(_ text: String) -> [Substring] {
        text.utf8.split(separator: UInt8(ascii: "\n")).map { Substring($0) }
    }

    /// The space- or tab-separated words of a line, split on bytes.
    static func words(_ line: Substring) -> [Substring] {
        line.utf8.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.map { Substring($0) }
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        guard let first = firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = lastIndex(where: { !characters.contains($0) })!
        return String(self[first...last])
    }
}
