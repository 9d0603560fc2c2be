#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The constant parts of an instance's `FCInsights` lines — the topic with the members that name the function, and
/// the members that name the instance — kept as bytes between invocations: they change only when a request names
/// another function version or kind, and building them was most of the cost of a record.
final class InsightsLineCache: Sendable {
    /// The members that name the function.
    private struct HeadKey {
        let serviceName, functionName, versionID, qualifier: String

        func matches(_ other: HeadKey) -> Bool {
            serviceName.hasSameUTF8(as: other.serviceName) && functionName.hasSameUTF8(as: other.functionName)
                && versionID.hasSameUTF8(as: other.versionID) && qualifier.hasSameUTF8(as: other.qualifier)
        }
    }

    /// The members that name the instance and the kind of invocation.
    private struct TailKey {
        let invocationType, instanceID, hostname: String

        func matches(_ other: TailKey) -> Bool {
            invocationType.hasSameUTF8(as: other.invocationType) && instanceID.hasSameUTF8(as: other.instanceID)
                && hostname.hasSameUTF8(as: other.hostname)
        }
    }

    private struct State {
        var head: (key: HeadKey, bytes: [UInt8])?
        /// One per kind of invocation (`event`, `http`): the part of the tail that varies in practice.
        var tails: [(key: TailKey, bytes: [UInt8])] = []
    }

    private let state = Mutex(State())

    /// The record's ``InsightsRecord/head`` and ``InsightsRecord/tail``, built again only when they differ from the
    /// last ones.
    func parts(for record: InsightsRecord) -> (head: [UInt8], tail: [UInt8]) {
        let headKey = HeadKey(
            serviceName: record.serviceName, functionName: record.functionName, versionID: record.versionID, qualifier: record.qualifier)
        let tailKey = TailKey(invocationType: record.invocationType, instanceID: record.instanceID, hostname: record.hostname)
        let (cachedHead, cachedTail) = state.withLock { state -> ([UInt8]?, [UInt8]?) in
            let head = state.head.flatMap { $0.key.matches(headKey) ? $0.bytes : nil }
            for tail in state.tails where tail.key.matches(tailKey) { return (head, tail.bytes) }
            return (head, nil)
        }
        if let cachedHead, let cachedTail { return (cachedHead, cachedTail) }
        let headBytes = cachedHead ?? record.head
        let tailBytes = cachedTail ?? record.tail
        state.withLock { state in
            if cachedHead == nil { state.head = (headKey, headBytes) }
            if cachedTail == nil {
                // Two kinds exist; requests naming other instances replace the entries rather than grow them.
                if state.tails.count >= 4 { state.tails.removeAll() }
                state.tails.append((tailKey, tailBytes))
            }
        }
        return (headBytes, tailBytes)
    }
}

extension String {
    /// Whether both strings hold the same UTF-8 bytes. The cached parts are bytes, so their keys compare bytes: `==`
    /// also equates canonically equivalent spellings ("\u{C5}" and "A\u{30A}"), which encode differently.
    fileprivate func hasSameUTF8(as other: String) -> Bool {
        let count = utf8.count
        guard count == other.utf8.count else { return false }
        let compared = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in
                count == 0 || memcmp(left.baseAddress!, right.baseAddress!, count) == 0
            }
        }
        return (compared ?? nil) ?? utf8.elementsEqual(other.utf8)
    }
}
