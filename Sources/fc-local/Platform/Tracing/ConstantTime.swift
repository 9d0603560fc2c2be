/// Comparisons of secrets (the API token, collector credentials) whose duration does not depend on where the
/// inputs first differ, so a caller cannot guess a secret byte by byte from response times.
enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes.
    static func equal(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        // Always walk the expected value's length, whatever the supplied one is.
        for index in right.indices {
            difference |= (index < left.count ? left[index] : 0) ^ right[index]
        }
        return difference == 0 && left.count == right.count
    }
}
