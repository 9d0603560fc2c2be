import HTTPTypes

@testable import FCRuntime

/// The same header fields with every confidential header replaced by one placeholder that the parser treats the
/// same way (present or absent, a usable collector URL or not), for the differential run.
enum SecretPlaceholders {
    static func replacingSecrets(in fields: HTTPFields, of context: FCContext) -> HTTPFields {
        let secretNames: Set<String> = [
            FCHeaderName.accessKeySecret.canonicalName, FCHeaderName.securityToken.canonicalName, FCHeaderName.jaegerEndpoint.canonicalName,
        ]
        var replaced = HTTPFields()
        for field in fields where !secretNames.contains(field.name.canonicalName) { replaced.append(field) }
        if !context.credentials.accessKeySecret.isEmpty { replaced[FCHeaderName.accessKeySecret] = "placeholder-key-secret" }
        if !context.credentials.securityToken.isEmpty { replaced[FCHeaderName.securityToken] = "placeholder-security-token" }
        if context.tracing.hasUsableJaegerEndpoint {
            replaced[FCHeaderName.jaegerEndpoint] = "http://placeholder.invalid/api/traces"
        } else if !context.tracing.jaegerEndpoint.isEmpty {
            replaced[FCHeaderName.jaegerEndpoint] = "placeholder-not-a-url"
        }
        return replaced
    }
}
