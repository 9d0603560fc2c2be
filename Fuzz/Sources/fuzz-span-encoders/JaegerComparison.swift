import FuzzSupport

/// Compares a decoded batch with the expected one, field by field, stopping at the first difference.
enum JaegerComparison {
    static func requireMatch(_ decoded: JaegerBatchModel, _ expected: JaegerBatchModel) {
        require(decoded.serviceName == expected.serviceName, "process.serviceName: \(text(decoded.serviceName)) ≠ \(text(expected.serviceName))")
        requireTags(decoded.processTags, expected.processTags, "process.tags")
        require(decoded.spans.count == expected.spans.count, "\(decoded.spans.count) spans decoded, \(expected.spans.count) encoded")
        for (index, (span, expectedSpan)) in zip(decoded.spans, expected.spans).enumerated() {
            require(withoutTagsAndLogs(span) == withoutTagsAndLogs(expectedSpan), "span \(index): \(span) ≠ \(expectedSpan)")
            requireTags(span.tags, expectedSpan.tags, "span \(index) tags")
            require((span.logs == nil) == (expectedSpan.logs == nil), "span \(index): logs present \(span.logs != nil), expected \(expectedSpan.logs != nil)")
            let logs = span.logs ?? [], expectedLogs = expectedSpan.logs ?? []
            require(logs.count == expectedLogs.count, "span \(index): \(logs.count) logs, expected \(expectedLogs.count)")
            for (log, expectedLog) in zip(logs, expectedLogs) {
                require(log.timestamp == expectedLog.timestamp, "span \(index): log timestamp \(log.timestamp) ≠ \(expectedLog.timestamp)")
                requireTags(log.fields, expectedLog.fields, "span \(index) log fields")
            }
        }
    }

    private static func requireTags(_ tags: [JaegerBatchModel.Tag]?, _ expected: [JaegerBatchModel.Tag]?, _ what: String) {
        require((tags == nil) == (expected == nil), "\(what): present \(tags != nil), expected \(expected != nil)")
        let tags = tags ?? [], expected = expected ?? []
        require(tags.count == expected.count, "\(what): \(tags.count) tags, expected \(expected.count)")
        for (tag, expectedTag) in zip(tags, expected) {
            require(tag.key == expectedTag.key, "\(what): key \(text(tag.key)) ≠ \(text(expectedTag.key))")
            require(expectedTag.value.isSatisfied(by: tag.value), "\(what) \(text(tag.key)): \(tag.value) does not match \(expectedTag.value)")
        }
    }

    private static func withoutTagsAndLogs(_ span: JaegerBatchModel.Span) -> JaegerBatchModel.Span {
        var span = span
        span.tags = nil
        span.logs = nil
        return span
    }

    private static func text(_ bytes: [UInt8]) -> String { "\"\(visible(String(decoding: bytes, as: UTF8.self)))\"" }
}
