import Foundation

/// What `fc-local start` prints once it listens: the functions and their URLs, the APIs, and the generated token.
struct StartBanner {
    let platform: Platform
    let host: String
    let port: Int
    /// The token to show (only when fc-local generated it; a token the user passed is not echoed).
    let generatedToken: String?

    func print() {
        let base = "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        var lines = ["fc-local: listening on \(base) (region \(platform.settings.region), state in \(platform.settings.stateDirectory))"]
        for function in platform.functions {
            lines.append("  \(function.key)")
            lines.append("    invoke        POST \(base)/2016-08-15/services/\(function.service)/functions/\(function.name)/invocations")
            lines.append("    HTTP trigger  \(base)/2016-08-15/proxy/\(function.service)/\(function.name)/")
        }
        let urnExample = "urn:fss:\(platform.settings.region):\(platform.settings.projectID):function:{service}:{function}:LATEST"
        lines.append("  tracing config  PUT/GET \(base)/v2/\(platform.settings.projectID)/fgs/functions/\(urnExample)/tracing")
        lines.append("  traces          GET \(base)/api/traces/{traceId}")
        lines.append("  metrics         GET \(base)/metrics/query?project=acs_fc&metric=…  and  \(base)/metrics (Prometheus)")
        if let generatedToken { lines.append("  X-Auth-Token    \(generatedToken)   (generated; pass --auth-token to choose one)") }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
