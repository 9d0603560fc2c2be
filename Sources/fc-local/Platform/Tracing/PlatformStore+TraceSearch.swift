import GRDB

extension PlatformStore {
    /// Which traces a search wants: every trace, or those with a span of a service's functions, of functions of a
    /// name in any service, or of one function.
    struct TraceFilter: Sendable, Equatable {
        var service: String?
        var function: String?

        /// An SQLite GLOB pattern for the application names `FC:<service>/<function>` that match.
        var applicationPattern: String {
            "FC:" + (service.map(Self.literal) ?? "*") + "/" + (function.map(Self.literal) ?? "*")
        }

        /// `text` matching only itself in a GLOB pattern (`*`, `?` and `[` put in brackets).
        private static func literal(_ text: String) -> String {
            text.map { "*?[".contains($0) ? "[\($0)]" : String($0) }.joined()
        }
    }

    /// The ids of the newest traces (by their earliest span) that `filter` wants, newest first.
    func recentTraceIDs(matching filter: TraceFilter, limit: Int) async throws -> [String] {
        guard filter.service != nil || filter.function != nil else { return try await recentTraceIDs(application: nil, limit: limit) }
        let pattern = filter.applicationPattern
        return try await database.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT traceID FROM span WHERE traceID IN (SELECT traceID FROM span WHERE application GLOB ?)
                    GROUP BY traceID ORDER BY MIN(startMicroseconds) DESC LIMIT ?
                    """,
                arguments: [pattern, limit])
        }
    }
}
