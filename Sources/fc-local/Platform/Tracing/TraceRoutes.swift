import Hummingbird

/// The platform's span collector (Jaeger Thrift and OTLP JSON, authenticated with each function's tracing AK/SK)
/// and the Jaeger-like trace queries.
enum TraceRoutes {
    static func register(on router: Router<BasicRequestContext>, platform: Platform) {
        let collector = SpanCollectorEndpoint(platform: platform)
        router.post("/api/traces") { request, _ in await collector.collect(request, format: .jaegerThrift) }
        router.post("/v1/traces") { request, _ in await collector.collect(request, format: .otlpJSON) }

        let queries = TraceQueryEndpoint(platform: platform)
        router.get("/api/traces") { request, context in await queries.search(request, context: context) }
        router.get("/api/traces/:traceID") { request, context in await queries.trace(request, context: context) }
        router.get("/api/services") { request, context in queries.services(request, context: context) }
    }
}
