import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// FunctionGraph's tracing-configuration API (CONTRACT §6) for the platform's functions:
/// `PUT` and `GET /v2/{project_id}/fgs/functions/{function_urn}/tracing`.
///
/// Checks run in this order: `X-Auth-Token` (403 `FSS.0403`, a missing token included), the path (400), the body
/// (400, 413), then the store (500 `FSS.0500`). The secret key is never answered (`******`) nor printed.
enum TracingConfigurationRoutes {
    static let path: RouterPath = "/v2/:projectID/fgs/functions/:functionURN/tracing"

    static func register(on router: Router<BasicRequestContext>, platform: Platform) {
        let endpoint = TracingConfigurationEndpoint(platform: platform)
        router.get(path) { request, context in await endpoint.answer(request, context: context, handler: endpoint.show) }
        router.put(path) { request, context in await endpoint.answer(request, context: context, handler: endpoint.update) }
    }
}

/// The handlers behind ``TracingConfigurationRoutes``.
struct TracingConfigurationEndpoint: Sendable {
    let platform: Platform

    /// Authorizes, resolves the function, runs `handler` and turns its refusal into FunctionGraph's error body.
    func answer(
        _ request: Request, context: BasicRequestContext,
        handler: (TracingConfigurationTarget, Request) async throws(TracingAPIError) -> Response
    ) async -> Response {
        do throws(TracingAPIError) {
            try authorize(request)
            let target = try TracingConfigurationTarget(
                projectIDSegment: context.parameters.get("projectID") ?? "", urnSegment: context.parameters.get("functionURN") ?? "",
                settings: platform.settings, functions: platform.functions.map(\.key))
            return try await handler(target, request)
        } catch {
            return error.response
        }
    }

    /// `GET`: the AK and a masked SK, or 404 `FSS.0404` when none is set.
    func show(_ target: TracingConfigurationTarget, _ request: Request) async throws(TracingAPIError) -> Response {
        guard let settings = try await storeCall("read", target, { try await TracingSettings.of(target.key, store: platform.store) }) else {
            throw .notConfigured
        }
        return Self.maskedAnswer(settings)
    }

    /// `PUT`: sets or clears the AK/SK; when that changes anything the function's running instances are retired, so the
    /// next invocation starts one with the new environment.
    func update(_ target: TracingConfigurationTarget, _ request: Request) async throws(TracingAPIError) -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: TracingConfigurationBody.sizeLimit)
        } catch is NIOTooManyBytesError {
            throw .bodyTooLarge(limit: TracingConfigurationBody.sizeLimit)
        } catch {
            throw .invalidParameter("the body could not be read")
        }
        let wanted = try TracingConfigurationBody(json: Data(body.readableBytesView)).settings
        let store = platform.store
        let current = try await storeCall("read", target, { try await TracingSettings.of(target.key, store: store) })
        if current != wanted {
            try await storeCall("save", target) {
                try await store.setTracingConfiguration(for: target.key, accessKey: wanted?.accessKey ?? "", secretKey: wanted?.secretKey ?? "")
            }
            platform.output.info("tracing \(wanted == nil ? "switched off" : current == nil ? "switched on" : "credentials changed") for \(target.key)")
            await platform.tracingConfigurationChanged(for: target.key)
        }
        return wanted.map(Self.maskedAnswer) ?? JSONResponse.make(.ok, [String: String]())
    }

    /// 403 unless `X-Auth-Token` is the platform's token.
    private func authorize(_ request: Request) throws(TracingAPIError) {
        guard let token = request.headers[PlatformHeaderName.authToken], ConstantTime.equal(token, platform.settings.authToken) else {
            throw .invalidToken
        }
    }

    /// Runs a store operation; a failure is reported on fc-local's output (without values) and answered with 500.
    private func storeCall<T>(_ verb: String, _ target: TracingConfigurationTarget, _ operation: () async throws -> T) async throws(TracingAPIError) -> T {
        do {
            return try await operation()
        } catch {
            platform.output.warning("could not \(verb) the tracing configuration of \(target.key): \(StoreFailure.reason(error))")
            throw .internalError
        }
    }

    /// `{"tracing_ak": AK, "tracing_sk": "******"}`.
    private static func maskedAnswer(_ settings: TracingSettings) -> Response {
        JSONResponse.make(.ok, ["tracing_ak": settings.accessKey, "tracing_sk": "******"])
    }
}
