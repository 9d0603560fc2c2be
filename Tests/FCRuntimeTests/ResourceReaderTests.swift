import Foundation
import Testing

@testable import FCRuntime

/// The cgroup and /proc readers against fixture trees laid out like real machines (not only this one).
@Suite struct ResourceReaderTests {
    static func fixture(_ name: String) -> SystemFiles {
        let directory = String(#filePath.dropLast("ResourceReaderTests.swift".count)) + "Fixtures/" + name
        return SystemFiles(root: directory)
    }

    @Test func findsTheUnifiedHierarchyOfCgroupV2() {
        let layout = CgroupLayout.discover(in: Self.fixture("cgroup-v2"))
        #expect(layout == CgroupLayout(unified: "/sys/fs/cgroup"))
    }

    @Test func findsV1ControllersMountedAtTheContainersOwnCgroup() {
        let layout = CgroupLayout.discover(in: Self.fixture("cgroup-v1"))
        #expect(layout == CgroupLayout(
            memoryV1: "/sys/fs/cgroup/memory", cpuacctV1: "/sys/fs/cgroup/cpu,cpuacct", cpuV1: "/sys/fs/cgroup/cpu,cpuacct"))
    }

    @Test func prefersV1ControllersOnAHybridHost() {
        let layout = CgroupLayout.discover(in: Self.fixture("cgroup-hybrid"))
        #expect(layout.unified == nil)
        #expect(layout.memoryV1 == "/sys/fs/cgroup/memory/system.slice/fc.service")
        #expect(layout.cpuacctV1 == "/sys/fs/cgroup/cpu,cpuacct/system.slice/fc.service")
    }

    @Test func readsCgroupV2() {
        let reader = ResourceReader(files: Self.fixture("cgroup-v2"))
        #expect(reader.cgroupMemoryLimit() == 536_870_912)
        #expect(reader.cgroupMemoryUsage() == Int64(209_715_200 - 52_428_800))
        #expect(reader.cpuTimeNanoseconds() == 2_000_000_000)
        #expect(reader.cgroupCPUQuotaPercent() == 50)
    }

    @Test func readsCgroupV1() {
        let reader = ResourceReader(files: Self.fixture("cgroup-v1"))
        #expect(reader.cgroupMemoryLimit() == 1_073_741_824)
        #expect(reader.cgroupMemoryUsage() == Int64(314_572_800 - 104_857_600))
        #expect(reader.cpuTimeNanoseconds() == 3_000_000_000)
        #expect(reader.cgroupCPUQuotaPercent() == 200)
    }

    @Test func aHybridHostWithoutLimitsReportsNoLimitOrQuota() {
        let reader = ResourceReader(files: Self.fixture("cgroup-hybrid"))
        #expect(reader.cgroupMemoryLimit() == nil)
        #expect(reader.cgroupMemoryUsage() == 157_286_400)
        #expect(reader.cpuTimeNanoseconds() == 1_000_000_000)
        #expect(reader.cgroupCPUQuotaPercent() == nil)
    }

    @Test func readsProcFiles() {
        let reader = ResourceReader(files: Self.fixture("cgroup-v2"))
        #expect(reader.processResidentBytes() == Int64(20_480 * 1024))
        #expect(reader.hostMemoryBytes() == Int64(24_576_000 * 1024))
        // utime 150 + stime 50 ticks; the command name contains spaces and parentheses.
        #expect(reader.processCPUTimeNanoseconds() == Int64(200 * 1_000_000_000 / ResourceReader.clockTicksPerSecond))
        let network = reader.networkBytes()
        #expect(network?.received == 1_002_000)
        #expect(network?.transmitted == 503_000)
    }

    @Test(arguments: [
        ("VmRSS:\t   20480 kB\n", Int64(20_480 * 1024)), ("Name:\tx\nVmRSS: 7 kB", Int64(7 * 1024)),
        ("VmRSS:\tkB\n", nil), ("VmRSS:\t1234567890123456 kB\n", nil), ("VmRS:\t1 kB\nVmRSSS: 2 kB\n", nil), ("", nil),
    ] as [(String, Int64?)])
    func residentSetLinesAreReadStrictly(status: String, expected: Int64?) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rss-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("proc/self"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try Data(status.utf8).write(to: root.appendingPathComponent("proc/self/status"))
        #expect(ResourceReader(files: SystemFiles(root: root.path)).processResidentBytes() == expected)
    }

    @Test func missingFilesGiveNil() {
        let reader = ResourceReader(files: Self.fixture("empty-root"))
        #expect(reader.layout == CgroupLayout())
        #expect(reader.cgroupMemoryLimit() == nil)
        #expect(reader.cgroupMemoryUsage() == nil)
        #expect(reader.cpuTimeNanoseconds() == nil)
        #expect(reader.processResidentBytes() == nil)
        #expect(reader.networkBytes() == nil)
        #expect(reader.processAge() == nil)
    }

    @Test func theLiveProcessHasAStartTimeInThePast() throws {
        let age = try #require(ResourceReader().processAge())
        #expect(age > .zero)
        #expect(age < .seconds(3600))
    }
}
