import Hummingbird

/// Routes of this area (stub).
enum TraceRoutes {
    static func register(on router: Router<BasicRequestContext>, platform: Platform) {}
}
