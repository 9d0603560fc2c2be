import GRDB

/// Store errors in words fit for fc-local's output: SQLite's result code or the error's type, never a stored value
/// (a tracing secret could be one).
enum StoreFailure {
    static func reason(_ error: any Error) -> String {
        (error as? DatabaseError).map { "SQLite error \($0.resultCode.rawValue)" } ?? "\(type(of: error))"
    }
}
