import Foundation

/// Whether a listening TCP port belongs to a given process (or one of its direct children), from `/proc`.
///
/// fc-local picks a free port and hands it to the function; until the function binds it, any other process may
/// take it. Readiness therefore means "our function listens on the port", not merely "something answers there".
enum ListenerOwnership {
    /// Who listens on a port, as far as `/proc` tells.
    enum Listener: Equatable {
        /// The given process (or one of its children) listens.
        case ours
        /// Another process listens.
        case someoneElse
        /// Nobody listens yet.
        case nobody
        /// `/proc` cannot tell (not Linux).
        case unknown
    }

    /// Decides readiness without connecting: a connection to a server that is slow to accept would sit in its
    /// backlog, and enough of them block the next `connect`.
    static func listener(on port: Int, pid: Int32) -> Listener {
        guard let inodes = listeningSocketInodes(port: port) else { return .unknown }
        guard !inodes.isEmpty else { return .nobody }
        return isOwned(inodes: inodes, by: pid) ? .ours : .someoneElse
    }

    private static func isOwned(inodes: Set<String>, by pid: Int32) -> Bool {
        let processes = [pid] + children(of: pid)
        return processes.contains { process in
            let directory = "/proc/\(process)/fd"
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            return descriptors.contains { descriptor in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(descriptor)"),
                      target.hasPrefix("socket:[")
                else { return false }
                return inodes.contains(String(target.dropFirst(8).dropLast()))
            }
        }
    }

    /// Inodes of sockets listening on `port` (IPv4 and IPv6).
    private static func listeningSocketInodes(port: Int) -> Set<String>? {
        var inodes = Set<String>()
        var readAny = false
        let portHex = String(format: "%04X", port)
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            // Read to the end: procfs files report size 0, and a busy host's table spans many pages.
            guard let handle = FileHandle(forReadingAtPath: table), let data = try? handle.readToEnd() else { continue }
            try? handle.close()
            let text = String(decoding: data, as: UTF8.self)
            readAny = true
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                // local_address is ADDRESS:PORT in hex; state 0A is LISTEN; field 9 is the inode.
                guard fields.count > 9, fields[1].hasSuffix(":" + portHex), fields[3] == "0A" else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return readAny ? inodes : nil
    }

    private static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { candidate in
            guard let stat = try? String(contentsOfFile: "/proc/\(candidate)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid
        }
    }
}
