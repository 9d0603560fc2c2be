import Foundation

/// The function a tracing-configuration request is about, resolved from its path's project id and URN against the
/// platform: malformed parts are FunctionGraph's "Invalid parameter." (400 `FSS.0400`); a well-formed URN naming no
/// function of this platform (another project or region, an unknown service or function) is 400 `FSS.1128`.
struct TracingConfigurationTarget: Equatable, Sendable {
    let key: FunctionKey
    /// The URN as the caller wrote it (percent-decoded), echoed in `FSS.1128` messages.
    let urn: String

    /// Resolves the raw path segments.
    init(projectIDSegment: String, urnSegment: String, settings: PlatformSettings, functions: [FunctionKey]) throws(TracingAPIError) {
        // Clients may percent-encode the colons of the URN.
        guard let projectID = projectIDSegment.removingPercentEncoding, TracingPath.isValidProjectID(projectID) else {
            throw .invalidParameter("project_id must be 32 letters or digits")
        }
        guard let urn = urnSegment.removingPercentEncoding, TracingPath.isValidURN(urn) else {
            throw .invalidParameter("function_urn may hold only letters, digits, '_', '-' and ':'")
        }
        guard let parsed = TracingPath.parseURN(urn), parsed.qualifier?.isEmpty != true else {
            throw .invalidParameter("function_urn must look like urn:fss:{region}:{project_id}:function:{service}:{function}:{qualifier}")
        }
        // The qualifier (LATEST, a version or an alias) is not checked: fc-local serves one version of each function and
        // tracing is configured per function.
        guard projectID == settings.projectID, parsed.projectID == projectID, parsed.region == settings.region,
            functions.contains(parsed.key)
        else { throw .functionNotFound(urn) }
        self.key = parsed.key
        self.urn = urn
    }
}
