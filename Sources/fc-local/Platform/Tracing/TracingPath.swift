import Foundation

/// The path parts of the tracing-configuration API (CONTRACT §6): the project id and FunctionGraph's function URN,
/// `urn:fss:{region}:{project_id}:function:{service}:{function}:{qualifier}` (its package standing for the FC service).
enum TracingPath {
    /// 32 ASCII letters or digits.
    static func isValidProjectID(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { isASCIILetterOrDigit($0) }
    }

    /// Letters, digits, `_`, `-` and `:` only (and not empty).
    static func isValidURN(_ text: some StringProtocol) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":") }
    }

    /// A function URN's parts.
    struct FunctionURN: Equatable, Sendable {
        let region: String
        let projectID: String
        let service: String
        let function: String
        let qualifier: String?

        var key: FunctionKey { FunctionKey(service: service, function: function) }
    }

    /// The URN's parts when it has FunctionGraph's shape (the qualifier may be left out), else nil.
    static func parseURN(_ text: String) -> FunctionURN? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (7...8).contains(parts.count), parts[0] == "urn", parts[1] == "fss", parts[4] == "function",
              parts[2...6].allSatisfy({ !$0.isEmpty })
        else { return nil }
        return FunctionURN(region: parts[2], projectID: parts[3], service: parts[5], function: parts[6], qualifier: parts.count == 8 ? parts[7] : nil)
    }

    /// A new random project id (also used for generated tokens): 32 lower-case hex digits.
    static func newProjectID() -> String {
        (0..<2).map { _ in
            let digits = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }

    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
