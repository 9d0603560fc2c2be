import Hummingbird

/// Routes of this area (stub).
enum TracingConfigurationRoutes {
    static func register(on router: Router<BasicRequestContext>, platform: Platform) {}
}
