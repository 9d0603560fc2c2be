/// Where this process's cgroup controllers live: cgroup v2 (unified), v1, or the hybrid layout where v1
/// controllers sit beside a v2 mount (at `/sys/fs/cgroup/unified`).
///
/// Found from `/proc/self/cgroup` (which cgroup the process is in) and `/proc/self/mountinfo` (where each
/// hierarchy is mounted, and which part of it the mount shows — inside a container usually just the process's
/// own cgroup, mounted as the root).
struct CgroupLayout: Sendable, Equatable {
    /// The cgroup v2 directory of this process, when the unified hierarchy has the controller files we read.
    var unified: String?
    /// The cgroup v1 `memory` controller directory of this process.
    var memoryV1: String?
    /// The cgroup v1 `cpuacct` controller directory.
    var cpuacctV1: String?
    /// The cgroup v1 `cpu` controller directory.
    var cpuV1: String?

    /// Discovers the layout; missing files give an empty layout (no cgroup information).
    static func discover(in files: SystemFiles) -> CgroupLayout {
        guard let membership = files.read("/proc/self/cgroup"), let mountinfo = files.read("/proc/self/mountinfo") else {
            return CgroupLayout()
        }
        let mounts = Mount.parse(mountinfo)
        var layout = CgroupLayout()
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ",").map(String.init)
            let path = String(fields[2])
            if fields[0] == "0" && controllers.isEmpty {
                if let mount = mounts.first(where: { $0.type == "cgroup2" }) {
                    let directory = mount.directory(for: path, in: files)
                    // In the hybrid layout the v2 mount carries no memory controller: it is not the one to read.
                    if files.exists(directory + "/memory.current") || files.exists(directory + "/cpu.stat") {
                        layout.unified = directory
                    }
                }
                continue
            }
            for controller in controllers {
                guard let mount = mounts.first(where: { $0.type == "cgroup" && $0.options.contains(controller) }) else { continue }
                let directory = mount.directory(for: path, in: files)
                switch controller {
                case "memory": layout.memoryV1 = directory
                case "cpuacct": layout.cpuacctV1 = directory
                case "cpu": layout.cpuV1 = directory
                default: break
                }
            }
        }
        // The v1 controllers are authoritative when present (hybrid hosts keep memory accounting in v1).
        if layout.memoryV1 != nil { layout.unified = layout.unified.flatMap { files.exists($0 + "/memory.current") ? $0 : nil } }
        return layout
    }

    /// One line of `/proc/self/mountinfo` that mounts a cgroup hierarchy.
    struct Mount: Sendable, Equatable {
        let root: String
        let mountPoint: String
        let type: String
        let options: Set<String>

        static func parse(_ mountinfo: String) -> [Mount] {
            mountinfo.split(separator: "\n").compactMap { line in
                let halves = line.split(separator: " - ", maxSplits: 1).map { $0.split(separator: " ").map(String.init) }
                guard halves.count == 2, halves[0].count >= 5, halves[1].count >= 3 else { return nil }
                let type = halves[1][0]
                guard type == "cgroup" || type == "cgroup2" else { return nil }
                return Mount(root: halves[0][3], mountPoint: halves[0][4], type: type, options: Set(halves[1][2].split(separator: ",").map(String.init)))
            }
        }

        /// The directory of `cgroupPath` under this mount; the mount point itself when the mount shows only that
        /// cgroup (the usual container case) or the computed directory does not exist.
        func directory(for cgroupPath: String, in files: SystemFiles) -> String {
            var relative = cgroupPath
            if root != "/" && relative.hasPrefix(root) { relative = String(relative.dropFirst(root.count)) }
            let candidate = relative == "/" || relative.isEmpty ? mountPoint : mountPoint + relative
            return files.exists(candidate) ? candidate : mountPoint
        }
    }
}
