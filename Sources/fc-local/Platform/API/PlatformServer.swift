import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The platform's one HTTP port: FC's invoke API and HTTP triggers, the tracing-configuration API, the span
/// collector and trace queries, and the metrics APIs.
enum PlatformServer {
    /// Every route of the platform.
    static func router(for platform: Platform) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        InvokeRoutes.register(on: router, platform: platform)
        TracingConfigurationRoutes.register(on: router, platform: platform)
        TraceRoutes.register(on: router, platform: platform)
        MetricsRoutes.register(on: router, platform: platform)
        return router
    }

    /// The server as a service; `onRunning` gets the bound port. Run it in a `ServiceGroup`, whose graceful
    /// shutdown stops accepting and lets the requests in flight finish.
    static func application(
        _ platform: Platform, host: String, port: Int, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> some Service {
        var logger = Logger(label: "fc-local")
        logger.logLevel = .critical
        return Application(
            router: router(for: platform),
            configuration: .init(address: .hostname(host, port: port), serverName: "fc-local"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }
}

/// Answers unmatched routes and thrown HTTP errors with FC's JSON error body instead of an empty one.
struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as PlatformAPIError {
            return JSONResponse.fcError(error.status, code: error.code, message: error.message, requestID: error.requestID)
        } catch let error as HTTPError {
            if error.status == .notFound {
                return JSONResponse.fcError(.notFound, code: "NotFound", message: "no API at \(request.method) \(request.uri.path)")
            }
            return JSONResponse.fcError(error.status, code: error.status.reasonPhrase.replacingOccurrences(of: " ", with: ""), message: error.body ?? error.status.reasonPhrase)
        } catch {
            // The state database failed (disk full, locked): say so in FC's shape rather than an empty 500.
            return JSONResponse.fcError(
                .internalServerError, code: "InternalError", message: "fc-local could not complete the request: \(error)",
                requestID: UUID().uuidString.lowercased())
        }
    }
}
