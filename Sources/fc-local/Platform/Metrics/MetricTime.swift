import Foundation

/// The two time formats of the query API: epoch milliseconds, or `YYYY-MM-DD hh:mm:ss` in the machine's time zone
/// (QueryMetricList accepts both).
enum MetricTime {
    /// Epoch milliseconds below this (early 1973) are taken for a mistake: they look like epoch seconds.
    static let smallestMilliseconds: Int64 = 100_000_000_000
    /// Epoch milliseconds above this (year 9999) are refused, which keeps every window's arithmetic far from overflow.
    static let largestMilliseconds: Int64 = 253_402_300_799_999

    /// Why a time did not parse (the message names the parameter and says what is expected).
    struct Failure: Error {
        let message: String
    }

    /// Parses `text`, given as the parameter `name`, to epoch milliseconds.
    static func parse(_ text: String, name: String, timeZone: TimeZone) throws(Failure) -> Int64 {
        let expected = "epoch milliseconds (e.g. 1721376000000) or YYYY-MM-DD hh:mm:ss in the machine's time zone (e.g. 2024-07-19 16:00:00)"
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard let milliseconds = Int64(text) else { throw Failure(message: "\(name) \(text) is too large; expected \(expected)") }
            guard milliseconds >= smallestMilliseconds else {
                throw Failure(message: "\(name) \(text) looks like epoch seconds; expected \(expected)")
            }
            guard milliseconds <= largestMilliseconds else { throw Failure(message: "\(name) \(text) is after the year 9999; expected \(expected)") }
            return milliseconds
        }
        // A space sent as `+` (form encoding) is still a space.
        guard let milliseconds = parseLocal(text.replacingOccurrences(of: "+", with: " "), timeZone: timeZone) else {
            throw Failure(message: "\(name) `\(text)` is not a time; expected \(expected)")
        }
        return milliseconds
    }

    /// `YYYY-MM-DD hh:mm:ss` in `timeZone`; nil when malformed or not a moment of that zone (Feb 30, a DST gap).
    static func parseLocal(_ text: String, timeZone: TimeZone) -> Int64? {
        let characters = Array(text)
        guard characters.count == 19 else { return nil }
        let separators: [Int: Character] = [4: "-", 7: "-", 10: " ", 13: ":", 16: ":"]
        for (index, character) in characters.enumerated() {
            if let separator = separators[index] {
                guard character == separator else { return nil }
            } else {
                guard character.isASCII, character.isNumber else { return nil }
            }
        }
        func number(_ range: Range<Int>) -> Int { Int(String(characters[range]))! }
        var components = DateComponents()
        (components.year, components.month, components.day) = (number(0..<4), number(5..<7), number(8..<10))
        (components.hour, components.minute, components.second) = (number(11..<13), number(14..<16), number(17..<19))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let date = calendar.date(from: components) else { return nil }
        // Calendar rolls 2024-02-30 over to March: a round trip catches it.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.year == components.year, back.month == components.month, back.day == components.day,
            back.hour == components.hour, back.minute == components.minute, back.second == components.second
        else { return nil }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `YYYY-MM-DD hh:mm` of an epoch-milliseconds moment in `timeZone` (for tables).
    static func formatMinute(_ milliseconds: Int64, timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let date = Date(timeIntervalSince1970: Double(milliseconds) / 1000)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { let text = String(value ?? 0); return text.count < 2 ? "0" + text : text }
        return "\(c.year ?? 0)-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute))"
    }
}
