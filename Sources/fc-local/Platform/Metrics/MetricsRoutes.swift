import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The metrics APIs: `GET /metrics/query` (QueryMetricList of project acs_fc, from the state database) and
/// `GET /metrics` (Prometheus text, counters since fc-local started).
enum MetricsRoutes {
    static let prometheusContentType = "text/plain; version=0.0.4"

    static func register(on router: Router<BasicRequestContext>, platform: Platform) {
        router.get("/metrics/query") { request, _ -> Response in
            let parameters = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            return await query(parameters, now: now, platform: platform)
        }
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: prometheusContentType],
                body: .init(byteBuffer: ByteBuffer(string: platform.metrics.prometheusText())))
        }
    }

    /// Answers a query: 200 with the datapoints, 400 for a bad parameter, 500 when the database fails.
    static func query(_ parameters: [(String, String)], now: Int64, platform: Platform) async -> Response {
        let requestID = UUID().uuidString
        let query: MetricQuery
        do {
            query = try MetricQuery.parse(parameters, now: now)
        } catch {
            return JSONResponse.make(.badRequest, MetricQueryResponse.error(error.code, error.message, requestID: requestID))
        }
        do {
            let datapoints = try await datapoints(for: query, platform: platform)
            return JSONResponse.make(.ok, MetricQueryResponse.success(query, datapoints, requestID: requestID))
        } catch {
            return JSONResponse.make(
                .internalServerError,
                MetricQueryResponse.error("InternalError", "cannot read the state database: \(error)", requestID: requestID))
        }
    }

    /// Reads the records of the answered periods and aggregates them; another region has no data here.
    private static func datapoints(for query: MetricQuery, platform: Platform) async throws -> [MetricDatapoint] {
        guard query.dimensions.region == platform.settings.region, let range = query.window.recordRange else { return [] }
        let service = query.dimensions.serviceName, function = query.dimensions.functionName
        let invocations = query.metric.source.isInstanceMetric ? [] : try await platform.store.invocations(startedIn: range, service: service, function: function)
        let instances = query.metric.source.isInstanceMetric ? try await platform.store.instanceMetrics(in: range, service: service, function: function) : []
        return MetricAggregator.datapoints(
            of: query.metric, dimensions: query.dimensions, window: query.window, platformRegion: platform.settings.region,
            invocations: invocations, instances: instances)
    }
}

/// The JSON bodies of `GET /metrics/query`, close to QueryMetricList's (lower-camel-case keys, datapoints as an array).
enum MetricQueryResponse {
    /// `{"code": "200", "success": true, "period": 60, "datapoints": [...], …}`.
    static func success(_ query: MetricQuery, _ datapoints: [MetricDatapoint], requestID: String) -> [String: Any] {
        [
            "code": "200", "success": true, "requestId": requestID, "project": MetricQuery.project, "metric": query.metric.name,
            "unit": query.metric.unit, "period": query.window.periodSeconds, "startTime": query.window.start,
            "endTime": query.window.end, "datapoints": datapoints.map(json),
        ]
    }

    /// `{"code": …, "message": …, "success": false, "requestId": …}`.
    static func error(_ code: String, _ message: String, requestID: String) -> [String: Any] {
        ["code": code, "message": message, "success": false, "requestId": requestID]
    }

    /// A datapoint: timestamp (ms), the dimensions, `value` and each statistic.
    static func json(_ datapoint: MetricDatapoint) -> [String: Any] {
        var object: [String: Any] = ["timestamp": datapoint.timestamp, "value": number(datapoint.value)]
        for (key, value) in datapoint.dimensions.fields { object[key] = value }
        for (statistic, value) in datapoint.statistics { object[statistic.rawValue] = number(value) }
        return object
    }

    /// Whole numbers as integers (counts read as `3`, not `3.0`).
    private static func number(_ value: Double) -> Any {
        value.rounded() == value && abs(value) < 1e15 ? Int64(value) : value
    }
}
