import Logging
import Testing

@testable import FCRuntime

@Suite struct MonitoringRecordTests {
    @Test(arguments: [(22.0, "22.00"), (20.494, "20.49"), (20.495, "20.50"), (0.004, "0.00"), (1234.5, "1234.50"), (-1.25, "-1.25"), (.nan, "0.00")])
    func numbersHaveTwoDecimals(value: Double, text: String) {
        #expect(RecordJSON.twoDecimals(value) == text)
    }

    @Test func stringsAreEscapedAndTheTopicCannotBreakTheLine() {
        var json = RecordJSON(topic: "T:svc/fn\nFORGED")
        json.add("k", "line\nbreak \"quoted\" back\\slash \u{1}")
        #expect(json.text == #"T:svc/fn\nFORGED {"k":"line\nbreak \"quoted\" back\\slash \u0001"}"#)
        let line = json.finishLine().finish()
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(line.last == UInt8(ascii: "\n"))
    }

    static let insights = InsightsRecord(
        serviceName: "svc", functionName: "fn", versionID: "2", qualifier: "prod", requestID: "req-1", memoryMB: 512,
        memoryUsageMB: 20.494, durationMs: 22, isColdStart: true, errorType: nil, initializationDurationMs: nil,
        traceContext: nil, isSampled: nil, invocationStartTimestamp: 1_795_341_600_123, instanceID: "i-1", hostname: "h-1",
        invocationType: "event")

    @Test func insightsRecordMatchesTheManualsFieldsInOrder() {
        #expect(Self.insights.line == """
            FCInsights:svc/fn {"serviceName":"svc","functionName":"fn","versionId":"2","qualifier":"prod","requestId":"req-1",\
            "operation":"invocation","memoryMB":512,"memoryUsageMB":20.49,"durationMs":22.00,"isColdStart":true,\
            "hasFunctionError":false,"invocationStartTimestamp":1795341600123,"instanceID":"i-1","hostname":"h-1","invocationType":"event"}
            """)
    }

    @Test func optionalFieldsAppearOnlyWhenTheirRuleHolds() {
        var record = Self.insights
        record.errorType = .timeout
        record.initializationDurationMs = 5.5
        record.traceContext = .header("1f:2:0:1")
        record.isSampled = true
        #expect(record.line.contains(#""hasFunctionError":true,"errorType":"FunctionTimeoutError","initializationDurationMs":5.50,"traceContext":"1f:2:0:1","isSampled":true,"#))
        #expect(!Self.insights.line.contains("errorType"))
        #expect(!Self.insights.line.contains("initializationDurationMs"))
        #expect(!Self.insights.line.contains("traceContext"))
    }

    @Test func aSpanContextIsWrittenInItsHeaderFormAndAHeaderAsItCame() throws {
        var record = Self.insights
        record.isSampled = false
        let wide = try #require(JaegerSpanContext(traceIDHigh: 0xAB, traceIDLow: 0x1F, spanID: 0x2A, parentSpanID: 0x3, flags: 0x2))
        record.traceContext = .spanContext(wide)
        #expect(record.line.contains(#""traceContext":"00000000000000ab000000000000001f:000000000000002a:3:2","isSampled":false,"#))
        let narrow = try #require(JaegerSpanContext(traceIDLow: .max, spanID: 1, flags: 0x1))
        record.traceContext = .spanContext(narrow)
        #expect(record.line.contains(#""traceContext":"ffffffffffffffff:0000000000000001:0:1","#))
        // The header as FC sent it, quoted: whatever it holds cannot leave the string or the line.
        record.traceContext = .header("1f:\"x\"\n")
        #expect(record.line.contains(#""traceContext":"1f:\"x\"\n","#))
        // Both forms write the same bytes for the same context.
        var viaText = Self.insights
        viaText.traceContext = .header(wide.headerValue)
        record.traceContext = .spanContext(wide)
        #expect(viaText.lineBytes == record.lineBytes)
    }

    @Test func instanceMetricsRecordMatchesTheManualsFields() {
        let record = InstanceMetricsRecord(
            aggPeriodSeconds: 10, concurrentRequests: 3, cpuPercent: 10, cpuQuotaPercent: 8.333, functionName: "fn", hostname: "h",
            instanceID: "i", ipAddress: "10.0.0.2", memoryLimitMB: 128, memoryUsageMB: 20.49, memoryUsagePercent: 16.0078,
            qualifier: "LATEST", rxBytes: 1, rxTotalBytes: 2, serviceName: "svc", txBytes: 3, txTotalBytes: 4, versionID: "")
        #expect(record.line == """
            FCInstanceMetrics:svc/fn {"aggPeriodSeconds":10,"concurrentRequests":3,"cpuPercent":10.00,"cpuQuotaPercent":8.33,\
            "functionName":"fn","hostname":"h","instanceID":"i","ipAddress":"10.0.0.2","memoryLimitMB":128.00,"memoryUsageMB":20.49,\
            "memoryUsagePercent":16.01,"operation":"CollectInstanceMetrics","qualifier":"LATEST","rxBytes":1,"rxTotalBytes":2,\
            "serviceName":"svc","txBytes":3,"txTotalBytes":4,"versionId":""}
            """)
    }
}

@Suite struct InstanceSamplerTests {
    private func sampler(_ fixture: String, memoryMB: Int = 128, type: InstanceSampler.InstanceType = .onDemand, output: CollectingLineOutput = .init())
        -> InstanceSampler
    {
        let platform = PlatformEnvironment(["FC_FUNCTION_NAME": "fn", "FC_SERVICE_NAME": "svc", "FC_FUNCTION_MEMORY_SIZE": "\(memoryMB)"])
        let monitor = InstanceMonitor(
            platform: platform, reader: ResourceReader(files: ResourceReaderTests.fixture(fixture)),
            host: HostIdentity(hostname: "host-1", ipAddress: "10.0.0.9"))
        var logger = Logger(label: "t") { _ in FCLogHandler(requestID: "-", output: output) }
        logger.logLevel = .info
        return InstanceSampler(monitor: monitor, period: .seconds(10), instanceType: type, output: output, logger: logger)
    }

    @Test func computesCPUMemoryAndNetworkForThePeriod() {
        let sampler = sampler("cgroup-v2")
        let baseline = InstanceSampler.Baseline(
            cpuNanoseconds: 1_000_000_000, network: (1_000_000, 500_000), startNetwork: (900_000, 400_000))
        let (record, next) = sampler.sample(after: baseline)
        #expect(record.aggPeriodSeconds == 10)
        #expect(record.cpuPercent == 10)  // 1 s of CPU in 10 s
        #expect(record.cpuQuotaPercent == 50)  // cpu.max 50000/100000
        #expect(record.memoryLimitMB == 512)
        #expect(record.memoryUsageMB == 150)
        #expect(RecordJSON.twoDecimals(record.memoryUsagePercent) == "29.30")
        #expect(record.rxBytes == 2000 && record.txBytes == 3000)
        #expect(record.rxTotalBytes == 102_000 && record.txTotalBytes == 103_000)
        #expect(record.instanceID == "host-1" && record.hostname == "host-1" && record.ipAddress == "10.0.0.9")
        #expect(record.serviceName == "svc" && record.functionName == "fn" && record.qualifier == "LATEST")
        #expect(next.cpuNanoseconds == 2_000_000_000)
    }

    @Test func withoutACgroupLimitMemoryIsTheResidentSetAndTheLimitTheFunctionMemory() {
        let (record, _) = sampler("cgroup-hybrid", memoryMB: 256).sample(after: .init())
        #expect(record.memoryUsageMB == 20)
        #expect(record.memoryLimitMB == 256)
    }

    @Test(arguments: [(128, InstanceSampler.InstanceType.onDemand, "8.33"), (3072, .onDemand, "200.00"), (2048, .provisioned, "100.00")])
    func withoutACgroupQuotaTheCPUFollowsMemory(memoryMB: Int, type: InstanceSampler.InstanceType, expected: String) {
        let (record, _) = sampler("cgroup-hybrid", memoryMB: memoryMB, type: type).sample(after: .init())
        #expect(RecordJSON.twoDecimals(record.cpuQuotaPercent) == expected)
    }

    @Test func unreadableFilesGiveZeroAndOneWarningPerField() {
        let output = CollectingLineOutput()
        let sampler = sampler("empty-root", output: output)
        var baseline = sampler.initialBaseline()
        for _ in 0..<3 {
            let (record, next) = sampler.sample(after: baseline)
            baseline = next
            #expect(record.cpuPercent == 0 && record.memoryUsageMB == 0 && record.rxBytes == 0)
            #expect(record.memoryLimitMB == 128)
        }
        let warnings = output.lines.filter { $0.contains("[WARNING]") }
        #expect(warnings.count == 3)
        #expect(warnings.allSatisfy { $0.hasSuffix("reporting 0") })
    }

    @Test func concurrentRequestsIsThePeakOfThePeriod() {
        let sampler = sampler("cgroup-v2")
        let context = FCContext(requestID: "r", deadline: .now, logger: Logger(label: "t"))
        for _ in 0..<3 { sampler.monitor.invocationStarted(context) }
        for _ in 0..<2 { sampler.monitor.invocationFinished() }
        #expect(sampler.sample(after: .init()).0.concurrentRequests == 3)
        #expect(sampler.sample(after: .init()).0.concurrentRequests == 1)
    }
}
