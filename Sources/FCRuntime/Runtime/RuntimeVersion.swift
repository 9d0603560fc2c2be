/// This runtime's version, reported in trace process tags and the OTLP scope.
public enum RuntimeVersion {
    /// The version string, e.g. `0.1.0`.
    public static let current = "0.1.0"
}
