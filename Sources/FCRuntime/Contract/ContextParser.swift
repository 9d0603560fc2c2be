#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import HTTPTypes
import Logging

/// Builds an ``FCContext`` from the request headers and the platform environment. It never fails: a missing
/// header gives the default, an unparsable one the default plus one warning on the invocation's logger.
struct ContextParser: Sendable {
    let configuration: RuntimeConfiguration
    let output: any LineOutput

    /// The context of a request with these header fields.
    func context(from fields: HTTPFields, isColdStart: Bool, now: ContinuousClock.Instant = .now) -> FCContext {
        context(from: PlatformHeaders(fields), isColdStart: isColdStart, now: now)
    }

    /// The context of a request whose headers were already collected (by the server, in its one pass).
    func context(from headers: PlatformHeaders, isColdStart: Bool, now: ContinuousClock.Instant = .now) -> FCContext {
        var warnings: [String] = []
        let platform = configuration.platform

        let requestID = headers.text(.requestID).isEmpty ? UUID().uuidString.lowercased() : headers.text(.requestID)
        let timeout = Self.seconds(headers[.functionTimeout], header: .functionTimeout, &warnings) ?? configuration.defaultTimeout
        let function = FunctionInfo(
            name: headers.text(.functionName).ifEmpty(platform.functionName),
            handler: headers.text(.functionHandler).ifEmpty(platform.functionHandler),
            memoryMB: Self.integer(headers[.functionMemory], header: .functionMemory, minimum: 1, &warnings) ?? platform.memoryMB ?? 128,
            timeout: timeout,
            initializer: headers.text(.functionInitializer),
            initializationTimeout: Self.seconds(headers[.initializationTimeout], header: .initializationTimeout, &warnings) ?? timeout
        )
        let service = ServiceInfo(
            name: headers.text(.serviceName).ifEmpty(platform.serviceName),
            logProject: headers.text(.logProject),
            logStore: headers.text(.logStore),
            qualifier: headers.text(.qualifier).ifEmpty(platform.qualifier).ifEmpty("LATEST"),
            versionID: headers.text(.versionID).ifEmpty(platform.versionID)
        )
        let credentials = Credentials(
            accessKeyID: headers.text(.accessKeyID),
            accessKeySecret: Secret(headers.text(.accessKeySecret)),
            securityToken: Secret(headers.text(.securityToken))
        )
        let tracing = Self.tracing(from: headers, &warnings)
        let retryCount = Self.integer(headers[.retryCount], header: .retryCount, minimum: 0, &warnings) ?? 0

        let storage = FCContext.Storage(
            requestID: requestID,
            credentials: credentials,
            function: function,
            service: service,
            region: headers.text(.region).ifEmpty(platform.region),
            accountID: headers.text(.accountID).ifEmpty(platform.accountID),
            retryCount: retryCount,
            instanceID: platform.instanceID,
            clientIP: headers.text(.clientIP),
            basePath: headers.text(.basePath),
            tracing: tracing,
            isColdStart: isColdStart,
            loggerSource: .lines(output, configuration.logLevel),
            headerWarnings: warnings
        )
        return FCContext(storage: storage, deadline: now.advanced(by: timeout))
    }

    // MARK: - Field parsers

    private static func integer(_ text: String?, header: PlatformHeaders.Key, minimum: Int, _ warnings: inout [String]) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        if let number = text.plainWholeNumber ?? Int(text.trimmingSpaces), number >= minimum { return number }
        warnings.append("ignoring \(header.headerName.canonicalName)=\"\(LineText.excerpt(text))\": expected a whole number ≥ \(minimum)")
        return nil
    }

    private static func seconds(_ text: String?, header: PlatformHeaders.Key, _ warnings: inout [String]) -> Duration? {
        guard let text, !text.isEmpty else { return nil }
        // Whole seconds (what FC sends) parse without the general parsers.
        if let seconds = text.plainWholeNumber.map(Double.init) ?? Self.anySeconds(text.trimmingSpaces), seconds.isFinite, seconds > 0,
            seconds <= 86_400
        {
            // At least 1 ms: a positive value below half a millisecond must not become a zero timeout.
            return .milliseconds(max(1, Int64((seconds * 1000).rounded())))
        }
        warnings.append("ignoring \(header.headerName.canonicalName)=\"\(LineText.excerpt(text))\": expected seconds, more than 0 and at most 86400")
        return nil
    }

    private static func anySeconds(_ text: Substring) -> Double? {
        Int(text).map(Double.init) ?? Double(text)
    }

    private static func tracing(from headers: PlatformHeaders, _ warnings: inout [String]) -> TracingInfo {
        let rawContext = headers.text(.spanContext)
        var spanContext: JaegerSpanContext?
        if !rawContext.isEmpty {
            do {
                spanContext = try JaegerSpanContext(parsing: rawContext)
            } catch {
                warnings.append("ignoring \(FCHeaderName.spanContext.canonicalName)=\"\(LineText.excerpt(rawContext))\": \(error)")
            }
        }
        let spanContextIsOpenTracingHeader = spanContext != nil
        if spanContext == nil, !headers.traceParent.isEmpty {
            do {
                spanContext = try JaegerSpanContext(traceParent: headers.traceParent)
            } catch {
                warnings.append("ignoring \(TraceHeaders.traceParent)=\"\(LineText.excerpt(headers.traceParent))\": \(error)")
            }
        }
        var baggage = baggage(fromBase64JSON: headers.text(.spanBaggages), &warnings)
        for (key, value) in headers.baggageHeaders { baggage[key] = value }
        let tracing = TracingInfo(
            openTracingSpanContext: rawContext,
            openTracingSpanBaggages: baggage,
            jaegerEndpoint: Secret(headers.text(.jaegerEndpoint)),
            traceParent: headers.traceParent,
            traceState: headers.traceState,
            spanContext: spanContext,
            spanContextIsOpenTracingHeader: spanContextIsOpenTracingHeader
        )
        if !tracing.jaegerEndpoint.isEmpty, !tracing.hasUsableJaegerEndpoint {
            // The endpoint is confidential: the warning names the header, never its value.
            warnings.append("ignoring \(FCHeaderName.jaegerEndpoint.canonicalName): not an http:// URL (spans are exported over plain HTTP)")
        }
        return tracing
    }

    private static func baggage(fromBase64JSON text: String, _ warnings: inout [String]) -> [String: String] {
        guard !text.isEmpty else { return [:] }
        let header = FCHeaderName.spanBaggages.canonicalName
        let trimmed = String(text.trimmingSpaces)
        guard let data = Data(base64Encoded: trimmed) ?? Data(base64Encoded: padded(trimmed)) else {
            warnings.append("ignoring \(header)=\"\(LineText.excerpt(text))\": not valid base64")
            return [:]
        }
        guard let object = try? JSONDecoder().decode([String: BaggageValue].self, from: data) else {
            warnings.append("ignoring \(header): its base64 does not hold a JSON object of strings")
            return [:]
        }
        return object.mapValues(\.text)
    }

    private static func padded(_ text: String) -> String {
        text + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
    }

    /// A baggage value: strings as they are; numbers and booleans, which some tracers send, as their JSON text.
    private struct BaggageValue: Decodable {
        let text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let bool = try? container.decode(Bool.self) {
                text = String(bool)
            } else if let number = try? container.decode(Double.self) {
                text = number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            } else {
                throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath, debugDescription: "not a string"))
            }
        }
    }
}

extension String {
    fileprivate func ifEmpty(_ fallback: String) -> String { isEmpty ? fallback : self }

    /// The value when the text is only ASCII digits (at most 18: no overflow), with spaces or tabs around them, as FC
    /// sends numbers; `nil` for anything else, which the general parsers then read (signs, other forms, errors).
    fileprivate var plainWholeNumber: Int? {
        var text = self
        return text.withUTF8 { bytes -> Int? in
            var start = 0
            var end = bytes.count
            while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
            while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            guard end > start, end - start <= 18 else { return nil }
            var value = 0
            for index in start..<end {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }
    }

    /// The text without leading and trailing spaces and tabs (compared as bytes).
    fileprivate var trimmingSpaces: Substring {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }), let last = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return Substring(utf8[first...last])
    }
}
