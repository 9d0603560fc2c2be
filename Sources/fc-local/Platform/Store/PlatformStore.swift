import Foundation
import GRDB

/// fc-local's state under `--state-dir`: one SQLite database (WAL) holding invocation records, instance metrics,
/// traces, the async queue and the tracing configuration. Every write is one transaction, committed before the
/// caller is answered, so a killed fc-local loses nothing it acknowledged.
final class PlatformStore: Sendable {
    /// How long records are kept.
    static let retention: Duration = .seconds(31 * 24 * 3600)

    let database: DatabasePool
    let path: String

    /// Opens (creating if needed) the database in `directory`.
    init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw LocalError.usage("cannot create the state directory \(directory): \(error.localizedDescription)")
        }
        path = URL(fileURLWithPath: directory).appendingPathComponent("fc-local.sqlite").path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync survives a killed process (not a power cut) without an fsync per record.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw LocalError.startup("cannot open the state database \(path): \(error)")
        }
        // The database holds tracing secrets: owner only.
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: InvocationRecord.databaseTableName) { table in
                table.column("requestID", .text).notNull()
                table.column("region", .text).notNull()
                table.column("service", .text).notNull()
                table.column("function", .text).notNull()
                table.column("trigger", .text).notNull()
                table.column("startedAt", .integer).notNull()
                table.column("latencyMs", .double).notNull()
                table.column("status", .integer).notNull()
                table.column("outcome", .text).notNull()
                table.column("errorType", .text)
                table.column("durationMs", .double)
                table.column("memoryUsageMB", .double)
                table.column("memoryMB", .integer).notNull()
                table.column("isColdStart", .boolean).notNull()
                table.column("concurrency", .integer).notNull()
                table.column("instanceID", .text)
            }
            try db.create(index: "invocationByTime", on: InvocationRecord.databaseTableName, columns: ["startedAt"])
            try db.create(table: InstanceMetricsRecord.databaseTableName) { table in
                table.column("service", .text).notNull()
                table.column("function", .text).notNull()
                table.column("instanceID", .text).notNull()
                table.column("timestamp", .integer).notNull()
                for column in ["cpuPercent", "cpuQuotaPercent", "memoryUsageMB", "memoryLimitMB", "memoryUsagePercent"] {
                    table.column(column, .double).notNull()
                }
                table.column("rxBytes", .integer).notNull()
                table.column("txBytes", .integer).notNull()
                table.column("concurrentRequests", .integer).notNull()
            }
            try db.create(index: "instanceMetricsByTime", on: InstanceMetricsRecord.databaseTableName, columns: ["timestamp"])
            try db.create(table: AsyncInvocationRecord.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("requestID", .text).notNull().unique()
                table.column("service", .text).notNull()
                table.column("function", .text).notNull()
                table.column("payload", .blob).notNull()
                table.column("headers", .text).notNull()
                table.column("enqueuedAt", .integer).notNull()
                table.column("state", .text).notNull()
                table.column("attempts", .integer).notNull()
                table.column("status", .integer)
                table.column("response", .blob)
                table.column("errorType", .text)
                table.column("finishedAt", .integer)
            }
            try db.create(table: TracingConfigurationRecord.databaseTableName) { table in
                table.column("service", .text).notNull()
                table.column("function", .text).notNull()
                table.column("accessKey", .text).notNull()
                table.column("secretKey", .text).notNull()
                table.column("updatedAt", .integer).notNull()
                table.primaryKey(["service", "function"])
            }
            try db.create(table: SpanRecord.databaseTableName) { table in
                table.column("traceID", .text).notNull()
                table.column("spanID", .text).notNull()
                table.column("application", .text).notNull()
                table.column("startMicroseconds", .integer).notNull()
                table.column("body", .blob).notNull()
            }
            try db.create(index: "spanByTrace", on: SpanRecord.databaseTableName, columns: ["traceID"])
            try db.create(index: "spanByTime", on: SpanRecord.databaseTableName, columns: ["startMicroseconds"])
            try db.create(table: InstanceProcessRecord.databaseTableName) { table in
                table.column("pid", .integer).notNull().primaryKey()
                table.column("startTicks", .integer).notNull()
                table.column("instanceID", .text).notNull()
            }
            try db.create(table: "setting") { table in
                table.column("key", .text).notNull().primaryKey()
                table.column("value", .text).notNull()
            }
        }
        return migrator
    }

    // MARK: Settings

    /// A value kept across restarts (the project id), created by `make` the first time.
    func setting(_ key: String, orCreate make: @Sendable () -> String) throws -> String {
        try database.write { db in
            if let value = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) { return value }
            let value = make()
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?)", arguments: [key, value])
            return value
        }
    }

    // MARK: Invocations and instance metrics

    func record(_ invocation: InvocationRecord) async throws {
        try await database.write { db in try invocation.insert(db) }
    }

    func record(_ metrics: InstanceMetricsRecord) async throws {
        try await database.write { db in try metrics.insert(db) }
    }

    /// Invocation records with `startedAt` in `window` (milliseconds, both ends included), oldest first.
    func invocations(startedIn window: ClosedRange<Int64>, service: String? = nil, function: String? = nil) async throws -> [InvocationRecord] {
        try await database.read { db in
            var request = InvocationRecord.filter(window.contains(Column("startedAt")))
            if let service { request = request.filter(Column("service") == service) }
            if let function { request = request.filter(Column("function") == function) }
            return try request.order(Column("startedAt")).fetchAll(db)
        }
    }

    /// Instance metrics records with `timestamp` in `window` (milliseconds, both ends included), oldest first.
    func instanceMetrics(in window: ClosedRange<Int64>, service: String? = nil, function: String? = nil) async throws -> [InstanceMetricsRecord] {
        try await database.read { db in
            var request = InstanceMetricsRecord.filter(window.contains(Column("timestamp")))
            if let service { request = request.filter(Column("service") == service) }
            if let function { request = request.filter(Column("function") == function) }
            return try request.order(Column("timestamp")).fetchAll(db)
        }
    }

    // MARK: Traces

    func save(_ spans: [CollectedSpan]) async throws {
        let records = try spans.map { span in
            SpanRecord(
                traceID: span.traceID, spanID: span.spanID, application: span.serviceName, startMicroseconds: span.startMicroseconds,
                body: try JSONEncoder().encode(span))
        }
        try await database.write { db in
            for record in records { try record.insert(db) }
        }
    }

    /// Every span of a trace.
    func spans(ofTrace traceID: String) async throws -> [CollectedSpan] {
        let records = try await database.read { db in
            try SpanRecord.filter(Column("traceID") == traceID.lowercased()).order(Column("startMicroseconds")).fetchAll(db)
        }
        return try records.map { try JSONDecoder().decode(CollectedSpan.self, from: $0.body) }
    }

    /// The ids of the newest traces (by their earliest span), optionally only those with a span of `application`.
    func recentTraceIDs(application: String?, limit: Int) async throws -> [String] {
        try await database.read { db in
            let filter = application == nil ? "" : "WHERE traceID IN (SELECT traceID FROM span WHERE application = ?)"
            let arguments: StatementArguments = application.map { [$0, limit] } ?? [limit]
            return try String.fetchAll(
                db, sql: "SELECT traceID FROM span \(filter) GROUP BY traceID ORDER BY MIN(startMicroseconds) DESC LIMIT ?",
                arguments: arguments)
        }
    }

    // MARK: Tracing configuration

    func tracingConfiguration(for key: FunctionKey) async throws -> TracingConfigurationRecord? {
        try await database.read { db in
            try TracingConfigurationRecord.filter(Column("service") == key.service && Column("function") == key.function).fetchOne(db)
        }
    }

    func allTracingConfigurations() async throws -> [TracingConfigurationRecord] {
        try await database.read { db in try TracingConfigurationRecord.fetchAll(db) }
    }

    /// Sets the function's AK/SK; both empty removes the configuration (tracing off).
    func setTracingConfiguration(for key: FunctionKey, accessKey: String, secretKey: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM tracingConfiguration WHERE service = ? AND function = ?", arguments: [key.service, key.function])
            guard !accessKey.isEmpty || !secretKey.isEmpty else { return }
            try TracingConfigurationRecord(
                service: key.service, function: key.function, accessKey: accessKey, secretKey: secretKey,
                updatedAt: Int64(Date().timeIntervalSince1970 * 1000)
            ).insert(db)
        }
    }

    // MARK: Async queue

    /// Adds an async invocation at the end of its function's queue.
    func enqueue(_ invocation: AsyncInvocationRecord) async throws -> AsyncInvocationRecord {
        try await database.write { db in
            var record = invocation
            try record.insert(db)
            return record
        }
    }

    /// The oldest queued invocation of a function, marked running (its attempt counted).
    func takeNextQueued(for key: FunctionKey) async throws -> AsyncInvocationRecord? {
        try await database.write { db in
            guard var record = try AsyncInvocationRecord
                .filter(Column("service") == key.service && Column("function") == key.function && Column("state") == AsyncInvocationRecord.State.queued.rawValue)
                .order(Column("id")).fetchOne(db)
            else { return nil }
            record.state = .running
            record.attempts += 1
            try record.update(db)
            return record
        }
    }

    /// Records how an async invocation ended.
    func finish(_ invocation: AsyncInvocationRecord) async throws {
        try await database.write { db in try invocation.update(db) }
    }

    /// After a restart: invocations that were running when fc-local died run again (at least once, as FC's are).
    func requeueInterrupted() throws {
        try database.write { db in
            try db.execute(sql: "UPDATE asyncInvocation SET state = 'queued' WHERE state = 'running'")
        }
    }

    func asyncInvocation(requestID: String) async throws -> AsyncInvocationRecord? {
        try await database.read { db in try AsyncInvocationRecord.filter(Column("requestID") == requestID).fetchOne(db) }
    }

    /// Functions that have queued invocations.
    func functionsWithQueuedInvocations() throws -> [FunctionKey] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT service, function FROM asyncInvocation WHERE state = 'queued'")
                .map { FunctionKey(service: $0["service"], function: $0["function"]) }
        }
    }

    // MARK: Instance processes

    func remember(_ process: InstanceProcessRecord) async throws {
        try await database.write { db in try process.save(db) }
    }

    func forget(pid: Int32) async throws {
        _ = try await database.write { db in try InstanceProcessRecord.deleteOne(db, key: pid) }
    }

    /// Processes recorded by an earlier fc-local (all of them, removed from the table).
    func takeRememberedProcesses() throws -> [InstanceProcessRecord] {
        try database.write { db in
            let records = try InstanceProcessRecord.fetchAll(db)
            try InstanceProcessRecord.deleteAll(db)
            return records
        }
    }

    // MARK: Retention

    /// Deletes records older than the retention period; finished async invocations go too, queued ones never.
    func prune(now: Date = Date()) async throws {
        let cutoffMs = Int64((now.timeIntervalSince1970 - Double(Self.retention.components.seconds)) * 1000)
        try await database.write { db in
            try db.execute(sql: "DELETE FROM invocation WHERE startedAt < ?", arguments: [cutoffMs])
            try db.execute(sql: "DELETE FROM instanceMetrics WHERE timestamp < ?", arguments: [cutoffMs])
            try db.execute(sql: "DELETE FROM span WHERE startMicroseconds < ?", arguments: [cutoffMs * 1000])
            try db.execute(
                sql: "DELETE FROM asyncInvocation WHERE state IN ('succeeded', 'failed') AND finishedAt < ?", arguments: [cutoffMs])
        }
    }
}
