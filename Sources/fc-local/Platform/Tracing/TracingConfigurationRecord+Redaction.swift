/// A stored tracing configuration holds the secret key: printing, interpolating or dumping one shows neither key.
extension TracingConfigurationRecord: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "TracingConfigurationRecord(\(service)/\(function), accessKey: ******, secretKey: ******)" }
    var debugDescription: String { description }
    var customMirror: Mirror {
        Mirror(self, children: ["service": service, "function": function, "accessKey": "******", "secretKey": "******", "updatedAt": updatedAt])
    }
}
