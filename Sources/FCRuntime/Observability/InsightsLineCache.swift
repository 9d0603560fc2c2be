import Synchronization

/// The constant parts of an instance's `FCInsights` lines — the topic with the members that name the function, and
/// the members that name the instance — kept as bytes between invocations: they change only when a request names
/// another function version or kind, and building them was most of the cost of a record.
final class InsightsLineCache: Sendable {
    private struct HeadKey: Equatable {
        let serviceName: String
        let functionName: String
        let versionID: String
        let qualifier: String
    }

    private struct TailKey: Equatable {
        let instanceID: String
        let hostname: String
        let invocationType: String
    }

    private let head = Mutex<(key: HeadKey, bytes: [UInt8])?>(nil)
    private let tail = Mutex<(key: TailKey, bytes: [UInt8])?>(nil)

    /// The record's ``InsightsRecord/head`` and ``InsightsRecord/tail``, built again only when they differ from the
    /// last ones.
    func parts(for record: InsightsRecord) -> (head: [UInt8], tail: [UInt8]) {
        let headKey = HeadKey(
            serviceName: record.serviceName, functionName: record.functionName, versionID: record.versionID, qualifier: record.qualifier)
        let tailKey = TailKey(instanceID: record.instanceID, hostname: record.hostname, invocationType: record.invocationType)
        let cachedHead = head.withLock { $0?.key == headKey ? $0?.bytes : nil }
        let cachedTail = tail.withLock { $0?.key == tailKey ? $0?.bytes : nil }
        let headBytes = cachedHead ?? record.head
        let tailBytes = cachedTail ?? record.tail
        if cachedHead == nil { head.withLock { $0 = (headKey, headBytes) } }
        if cachedTail == nil { tail.withLock { $0 = (tailKey, tailBytes) } }
        return (headBytes, tailBytes)
    }
}
