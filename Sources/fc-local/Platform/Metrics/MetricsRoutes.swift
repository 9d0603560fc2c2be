import Hummingbird

/// Routes of this area (stub).
enum MetricsRoutes {
    static func register(on router: Router<BasicRequestContext>, platform: Platform) {}
}
