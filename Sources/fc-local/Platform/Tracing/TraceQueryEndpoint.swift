import Foundation
import Hummingbird

/// Jaeger-like queries of the traces the platform kept (its own spans and the functions'): one trace by id, the
/// newest traces of an application, and the applications.
struct TraceQueryEndpoint: Sendable {
    /// Traces a search returns when it names no `limit`, and the most it may ask for.
    static let defaultLimit = 20
    static let maximumLimit = 1000

    let platform: Platform

    /// `GET /api/traces/{traceId}`: the trace in Jaeger's JSON shape; 400 for a malformed id, 404 when unknown.
    func trace(_ request: Request, context: BasicRequestContext) async -> Response {
        await answer { () async throws(TraceAPIError) -> [[CollectedSpan]] in
            guard let traceID = TraceID.normalized(context.parameters.get("traceID") ?? "") else {
                throw .badRequest("a trace id is 1 to 32 hex digits")
            }
            let spans = try await read { try await platform.store.spans(ofTrace: traceID) }
            guard !spans.isEmpty else { throw .traceNotFound }
            return [spans]
        }
    }

    /// `GET /api/traces?service=FC:svc/fn&limit=N`: the newest traces (newest first), those with a span of `service`
    /// when given.
    func search(_ request: Request, context: BasicRequestContext) async -> Response {
        await answer { () async throws(TraceAPIError) -> [[CollectedSpan]] in
            let query = request.uri.queryParameters
            let service = query["service"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            var limit = Self.defaultLimit
            if let text = query["limit"] {
                guard let value = Int(text), (1...Self.maximumLimit).contains(value) else {
                    throw .badRequest("limit must be a whole number from 1 to \(Self.maximumLimit)")
                }
                limit = value
            }
            let store = platform.store
            return try await read {
                var traces: [[CollectedSpan]] = []
                for traceID in try await store.recentTraceIDs(application: service, limit: limit) {
                    traces.append(try await store.spans(ofTrace: traceID))
                }
                return traces
            }
        }
    }

    /// `GET /api/services`: the application names of the configured functions, as Jaeger lists services.
    func services(_ request: Request, context: BasicRequestContext) -> Response {
        let names = platform.functions.map(\.key.applicationName)
        return JSONResponse.make(.ok, ["data": names, "total": names.count, "limit": 0, "offset": 0, "errors": NSNull()] as [String: Any])
    }

    /// Runs `query` and answers its traces as Jaeger JSON, or its refusal.
    private func answer(_ query: () async throws(TraceAPIError) -> [[CollectedSpan]]) async -> Response {
        do throws(TraceAPIError) {
            let traces = try await query()
            guard let data = try? TraceReport.jaegerJSON(traces) else { throw .internalError }
            return JSONResponse.make(.ok, data: data)
        } catch {
            return error.response
        }
    }

    /// Runs a store read; a failure is reported on fc-local's output and answered with 500.
    private func read<T>(_ operation: () async throws -> T) async throws(TraceAPIError) -> T {
        do {
            return try await operation()
        } catch {
            platform.output.warning("could not read traces: \(StoreFailure.reason(error))")
            throw .internalError
        }
    }
}
