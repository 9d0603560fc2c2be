import Hummingbird

/// Routes of this area (stub).
enum InvokeRoutes {
    static func register(on router: Router<BasicRequestContext>, platform: Platform) {}
}
