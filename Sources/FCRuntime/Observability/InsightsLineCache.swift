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

        static func == (lhs: HeadKey, rhs: HeadKey) -> Bool {
            lhs.serviceName.hasSameUTF8(as: rhs.serviceName) && lhs.functionName.hasSameUTF8(as: rhs.functionName)
                && lhs.versionID.hasSameUTF8(as: rhs.versionID) && lhs.qualifier.hasSameUTF8(as: rhs.qualifier)
        }
    }

    private struct TailKey: Equatable {
        let instanceID: String
        let hostname: String
        let invocationType: String

        static func == (lhs: TailKey, rhs: TailKey) -> Bool {
            lhs.instanceID.hasSameUTF8(as: rhs.instanceID) && lhs.hostname.hasSameUTF8(as: rhs.hostname)
                && lhs.invocationType.hasSameUTF8(as: rhs.invocationType)
        }
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

extension String {
    /// Whether both strings hold the same UTF-8 bytes. The cached parts are bytes, so their keys compare bytes: `==`
    /// also equates canonically equivalent spellings ("\u{C5}" and "A\u{30A}"), which encode differently.
    fileprivate func hasSameUTF8(as other: String) -> Bool {
        var lhs = self, rhs = other
        return lhs.withUTF8 { left in rhs.withUTF8 { right in left.elementsEqual(right) } }
    }
}
