import Tracing

/// Attributes of the runtime's spans, after the OpenTelemetry FaaS and cloud semantic conventions plus `fc.*`.
enum RuntimeSpanAttributes {
    /// What the function's resource attributes are made of; they are rebuilt only when it changes.
    struct Identity: Equatable, Sendable {
        let functionName, versionID, instanceID, region, accountID, serviceName, qualifier, handler: String
        let memoryMB: Int

        init(_ context: FCContext) {
            functionName = context.function.name
            versionID = context.service.versionID
            instanceID = context.instanceID
            region = context.region
            accountID = context.accountID
            serviceName = context.service.name
            qualifier = context.service.qualifier
            handler = context.function.handler
            memoryMB = context.function.memoryMB
        }

        /// Whether `context` belongs to this function identity; compares in place, without copying the strings.
        func matches(_ context: FCContext) -> Bool {
            let function = context.function
            let service = context.service
            return function.name == functionName && function.memoryMB == memoryMB && function.handler == handler
                && service.name == serviceName && service.qualifier == qualifier && service.versionID == versionID
                && context.region == region && context.accountID == accountID && context.instanceID == instanceID
        }
    }

    /// The `Invocation` span's own attributes.
    static func invocation(_ context: FCContext, trigger: String) -> RuntimeAttributes {
        RuntimeAttributes(requestID: context.requestID, isInvocation: true, trigger: trigger, coldStart: context.isColdStart)
    }

    /// The `Initializer` span's own attributes.
    static func initializer(_ context: FCContext) -> RuntimeAttributes {
        RuntimeAttributes(requestID: context.requestID)
    }

    /// The function's resource attributes (sent with the process, once per batch).
    static func resource(_ identity: Identity) -> FunctionResource {
        var entries: [(String, SpanAttribute)] = [("faas.name", .string(identity.functionName))]
        if !identity.versionID.isEmpty { entries.append(("faas.version", .string(identity.versionID))) }
        entries.append(("faas.max_memory", .int64(Int64(identity.memoryMB) * 1024 * 1024)))
        if !identity.instanceID.isEmpty { entries.append(("faas.instance", .string(identity.instanceID))) }
        entries.append(("cloud.provider", .string("alibaba_cloud")))
        entries.append(("cloud.platform", .string("alibaba_cloud_fc")))
        if !identity.region.isEmpty { entries.append(("cloud.region", .string(identity.region))) }
        if !identity.accountID.isEmpty { entries.append(("cloud.account.id", .string(identity.accountID))) }
        if !identity.serviceName.isEmpty { entries.append(("fc.service_name", .string(identity.serviceName))) }
        entries.append(("fc.qualifier", .string(identity.qualifier)))
        if !identity.handler.isEmpty { entries.append(("fc.handler", .string(identity.handler))) }
        return FunctionResource(entries)
    }

    /// Tags of the process (Jaeger `Process.tags`, the OTLP resource): host, instance and runtime. The `cloud.*`
    /// keys come with the function's resource attributes (keys must be unique in a resource).
    static func processTags(monitor: InstanceMonitor) -> [(String, SpanAttribute)] {
        [
            ("hostname", .string(monitor.host.hostname)),
            ("ip", .string(monitor.host.ipAddress)),
            ("fc.instance_id", .string(monitor.instanceID)),
            ("telemetry.sdk.name", .string("swift-fc-runtime")),
            ("telemetry.sdk.language", .string("swift")),
            ("telemetry.sdk.version", .string(RuntimeVersion.current)),
        ]
    }
}
