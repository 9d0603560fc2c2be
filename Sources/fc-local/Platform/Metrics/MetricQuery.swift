import Foundation

/// The dimensions a query asked for (the JSON keys of QueryMetricList's `Dimensions` for FC).
struct MetricDimensions: Sendable, Equatable {
    var region: String
    var serviceName: String?
    var functionName: String?
    /// Only for the instance metrics: one instance's records.
    var instanceID: String?

    /// The dimensions as datapoints carry them: JSON key → value, only those given.
    var fields: [String: String] {
        var fields = ["region": region]
        fields["serviceName"] = serviceName
        fields["functionName"] = functionName
        fields["instanceId"] = instanceID
        return fields
    }
}

/// A 400 answer of the query API: a code and a message that says what is wrong and what is expected.
struct MetricQueryError: Error, Equatable {
    /// `MissingParameter` or `InvalidParameter`.
    let code: String
    let message: String

    static func missing(_ message: String) -> MetricQueryError { MetricQueryError(code: "MissingParameter", message: message) }
    static func invalid(_ message: String) -> MetricQueryError { MetricQueryError(code: "InvalidParameter", message: message) }
}

/// A validated `GET /metrics/query`, modelled on CloudMonitor's QueryMetricList for project `acs_fc`.
struct MetricQuery: Sendable {
    static let project = "acs_fc"
    static let parameterNames = ["project", "metric", "dimensions", "period", "startTime", "endTime"]
    /// With no `startTime`, the window is the hour before `endTime`.
    static let defaultWindowMilliseconds: Int64 = 3600 * 1000

    let metric: MetricDefinition
    let dimensions: MetricDimensions
    let window: MetricWindow

    /// Validates the query parameters (names case-insensitive, values percent-decoded). `now` is the default end;
    /// `timeZone` reads `YYYY-MM-DD hh:mm:ss` times.
    static func parse(_ parameters: [(String, String)], now: Int64, timeZone: TimeZone = .current) throws(MetricQueryError) -> MetricQuery {
        let values = try collect(parameters)
        guard let project = values["project"], !project.isEmpty else { throw .missing("project is required: project=acs_fc") }
        guard project == Self.project else { throw .invalid("project must be acs_fc (Function Compute's metrics), not `\(project)`") }
        guard let metricName = values["metric"], !metricName.isEmpty else {
            throw .missing("metric is required, e.g. metric=FunctionTotalInvocations")
        }
        guard let metric = MetricCatalog.metric(named: metricName) else { throw unknownMetric(metricName) }
        guard let dimensionsText = values["dimensions"], !dimensionsText.isEmpty else {
            throw .missing("dimensions is required: a JSON object such as \(example(for: metric.level))")
        }
        let dimensions = try parseDimensions(dimensionsText, for: metric)
        let window = try parseWindow(values, now: now, timeZone: timeZone)
        return MetricQuery(metric: metric, dimensions: dimensions, window: window)
    }

    /// The parameters by their canonical name; unknown or repeated ones are refused.
    private static func collect(_ parameters: [(String, String)]) throws(MetricQueryError) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in parameters {
            guard let canonical = parameterNames.first(where: { $0.lowercased() == name.lowercased() }) else {
                throw .invalid("unknown parameter `\(name)`; the parameters are \(parameterNames.joined(separator: ", "))")
            }
            guard values[canonical] == nil else { throw .invalid("parameter \(canonical) is given twice") }
            values[canonical] = value
        }
        return values
    }

    private static func unknownMetric(_ name: String) -> MetricQueryError {
        if let close = MetricCatalog.all.first(where: { $0.name.lowercased() == name.lowercased() }) {
            return .invalid("unknown metric `\(name)`; metric names are case-sensitive: did you mean \(close.name)?")
        }
        return .invalid("unknown metric `\(name)`; the metrics are \(MetricCatalog.all.map(\.name).joined(separator: ", "))")
    }

    /// A dimensions example for a level, for messages.
    static func example(for level: MetricLevel) -> String {
        switch level {
        case .region: #"{"region":"cn-hangzhou"}"#
        case .service: #"{"region":"cn-hangzhou","serviceName":"default"}"#
        case .function: #"{"region":"cn-hangzhou","serviceName":"default","functionName":"hello"}"#
        }
    }

    /// The dimensions JSON: exactly the keys of the metric's level (plus `instanceId` for instance metrics), strings.
    private static func parseDimensions(_ text: String, for metric: MetricDefinition) throws(MetricQueryError) -> MetricDimensions {
        let expected = "a JSON object of strings such as \(example(for: metric.level))"
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw .invalid("dimensions must be \(expected); got `\(text)`")
        }
        var strings: [String: String] = [:]
        for (key, value) in object {
            guard let string = value as? String, !string.isEmpty else {
                throw .invalid("dimensions key \(key) must be a non-empty string; dimensions must be \(expected)")
            }
            strings[key] = string
        }
        let required = metric.level.requiredDimensionKeys
        let allowed = required + (metric.source.isInstanceMetric ? ["instanceId"] : [])
        let levelText = "\(metric.name) is a \(metric.level.rawValue)-level metric: its dimensions are \(allowed.joined(separator: ", "))"
        for key in strings.keys.sorted() where !allowed.contains(key) {
            let known = ["region", "serviceName", "functionName", "instanceId"].contains(key)
            throw .invalid(known ? "dimensions key \(key) does not apply; \(levelText)" : "unknown dimensions key `\(key)`; \(levelText)")
        }
        if let missing = required.first(where: { strings[$0] == nil }) {
            throw .invalid("dimensions lack \(missing); \(levelText) (e.g. \(example(for: metric.level)))")
        }
        return MetricDimensions(
            region: strings["region"]!, serviceName: strings["serviceName"], functionName: strings["functionName"],
            instanceID: strings["instanceId"])
    }

    /// Period (default 60) and the window (start, end] (default: the hour before now), ≤ 31 days.
    private static func parseWindow(_ values: [String: String], now: Int64, timeZone: TimeZone) throws(MetricQueryError) -> MetricWindow {
        var period = 60
        if let text = values["period"] {
            guard let seconds = Int(text), seconds > 0, seconds % 60 == 0 else {
                throw .invalid("period must be a positive multiple of 60 (seconds), e.g. period=60; got `\(text)`")
            }
            period = seconds
        }
        let end = try time(values["endTime"], name: "endTime", timeZone: timeZone) ?? now
        let start = try time(values["startTime"], name: "startTime", timeZone: timeZone) ?? end - defaultWindowMilliseconds
        guard start < end else { throw .invalid("startTime must be before endTime: the window is (startTime, endTime]") }
        guard end - start <= MetricWindow.maximumMilliseconds else {
            let days = Double(end - start) / 86_400_000
            throw .invalid("the window (startTime, endTime] may span at most 31 days; it spans \(String(format: "%.1f", days)) days")
        }
        guard Double(period) * 1000 <= Double(MetricWindow.maximumMilliseconds) else {
            throw .invalid("period must be at most 31 days (2678400 s); got \(period)")
        }
        return MetricWindow(start: start, end: end, periodSeconds: period)
    }

    /// A time parameter in epoch milliseconds (nil when not given).
    private static func time(_ text: String?, name: String, timeZone: TimeZone) throws(MetricQueryError) -> Int64? {
        guard let text else { return nil }
        do throws(MetricTime.Failure) {
            return try MetricTime.parse(text, name: name, timeZone: timeZone)
        } catch {
            throw .invalid(error.message)
        }
    }
}
