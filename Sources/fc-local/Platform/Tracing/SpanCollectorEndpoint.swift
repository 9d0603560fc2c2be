import Foundation
import Hummingbird
import NIOCore

/// The platform's span collector, the endpoint traced invocations get in `x-fc-tracing-jaeger-endpoint`:
/// `POST /api/traces` (Jaeger Thrift) and `POST /v1/traces` (OTLP/HTTP JSON).
///
/// Spans are kept only when the request's HTTP basic auth is the AK/SK configured for every function the batch's
/// spans belong to (application `FC:<service>/<function>`): no credentials → 401, other credentials, an unknown
/// application or a function with tracing off → 403. A refused batch stores nothing.
struct SpanCollectorEndpoint: Sendable {
    /// The wire formats a function exports in.
    enum Format: Sendable {
        case jaegerThrift, otlpJSON

        /// Whether `contentType` is this format's media type.
        func accepts(contentType: String?) -> Bool {
            let mediaType = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            switch self {
            case .jaegerThrift: return mediaType == "application/x-thrift" || mediaType == "application/vnd.apache.thrift.binary"
            case .otlpJSON: return mediaType == "application/json"
            }
        }

        var mediaTypeName: String { self == .jaegerThrift ? "application/x-thrift (Jaeger Thrift)" : "application/json (OTLP JSON)" }

        func decode(_ body: ByteBuffer) throws -> [CollectedSpan] {
            switch self {
            case .jaegerThrift: try JaegerBatchDecoder.decode(Array(body.readableBytesView))
            case .otlpJSON: try OTLPRequestDecoder.decode(Data(body.readableBytesView))
            }
        }
    }

    /// The most bytes one batch may have.
    static let sizeLimit = 16 * 1024 * 1024

    let platform: Platform

    /// Authenticates, decodes and keeps one batch: 202 `{}` when kept.
    func collect(_ request: Request, format: Format) async -> Response {
        do throws(TraceAPIError) {
            let spans = try await authorizedSpans(request, format: format)
            do {
                try await platform.store.save(spans)
            } catch {
                platform.output.warning("could not keep \(spans.count) spans: \(StoreFailure.reason(error))")
                throw .internalError
            }
            return JSONResponse.make(.accepted, [String: String]())
        } catch {
            if error.status == .unauthorized || error.status == .forbidden {
                platform.output.warning("the span collector refused a batch: \(error.message)")
            }
            return error.response
        }
    }

    /// The batch's spans once its credentials are checked against every application it holds.
    private func authorizedSpans(_ request: Request, format: Format) async throws(TraceAPIError) -> [CollectedSpan] {
        guard let credentials = BasicCredentials(authorization: request.headers[.authorization]) else { throw .missingCredentials }
        guard format.accepts(contentType: request.headers[.contentType]) else {
            throw TraceAPIError(status: .unsupportedMediaType, message: "the body must be \(format.mediaTypeName)")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.sizeLimit)
        } catch is NIOTooManyBytesError {
            throw TraceAPIError(status: .contentTooLarge, message: "a batch may have at most \(Self.sizeLimit) bytes")
        } catch {
            throw .badRequest("the body could not be read")
        }
        let spans: [CollectedSpan]
        do {
            spans = try format.decode(body)
        } catch {
            throw .badRequest("the body is not a valid \(format.mediaTypeName) batch")
        }
        if let malformed = spans.first(where: { !Self.hasWellFormedIDs($0) }) {
            throw .badRequest("span \(String(malformed.name.prefix(100))) has a malformed trace, span or parent id (32 and 16 hex digits)")
        }
        let settings = try await configuredSettings()
        let applications = Set(spans.map(\.serviceName))
        for application in applications.sorted() {
            guard let key = Self.functionKey(application: application), let expected = settings[key] else {
                throw .forbidden("no function with tracing switched on has the application name \(String(application.prefix(200)))")
            }
            guard expected.accepts(credentials) else {
                throw .forbidden("the credentials are not the tracing AK/SK of \(application)")
            }
        }
        // A batch without spans names no function: the credentials must still be some function's.
        if applications.isEmpty, !settings.values.contains(where: { $0.accepts(credentials) }) {
            throw .forbidden("the credentials are not the tracing AK/SK of any function")
        }
        return spans
    }

    /// The AK/SK of every configured function with tracing on.
    private func configuredSettings() async throws(TraceAPIError) -> [FunctionKey: TracingSettings] {
        let records: [TracingConfigurationRecord]
        do {
            records = try await platform.store.allTracingConfigurations()
        } catch {
            platform.output.warning("could not read the tracing configurations: \(StoreFailure.reason(error))")
            throw .internalError
        }
        let configured = Set(platform.functions.map(\.key))
        var settings: [FunctionKey: TracingSettings] = [:]
        for record in records {
            let key = FunctionKey(service: record.service, function: record.function)
            if configured.contains(key), let value = TracingSettings(record) { settings[key] = value }
        }
        return settings
    }

    /// `FC:<service>/<function>` → the function's key.
    static func functionKey(application: String) -> FunctionKey? {
        guard application.hasPrefix("FC:") else { return nil }
        let parts = application.dropFirst(3).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return FunctionKey(service: String(parts[0]), function: String(parts[1]))
    }

    /// 32 hex digits of trace id, 16 of span id and (when present) of parent id.
    static func hasWellFormedIDs(_ span: CollectedSpan) -> Bool {
        TraceID.isHex(span.traceID, count: 32) && TraceID.isHex(span.spanID, count: 16)
            && (span.parentSpanID.map { TraceID.isHex($0, count: 16) } ?? true)
    }
}
