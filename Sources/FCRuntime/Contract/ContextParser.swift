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

    func context(from headers: HTTPFields, isColdStart: Bool, now: ContinuousClock.Instant = .now) -> FCContext {
        var warnings: [String] = []
        let platform = configuration.platform
        func value(_ name: HTTPField.Name) -> String { headers[name] ?? "" }

        let requestID = value(FCHeaderName.requestID).isEmpty ? UUID().uuidString.lowercased() : value(FCHeaderName.requestID)
        let timeout = Self.seconds(headers[FCHeaderName.functionTimeout], header: FCHeaderName.functionTimeout, &warnings)
            ?? configuration.defaultTimeout
        let function = FunctionInfo(
            name: value(FCHeaderName.functionName).ifEmpty(platform.functionName),
            handler: value(FCHeaderName.functionHandler).ifEmpty(platform.functionHandler),
            memoryMB: Self.integer(headers[FCHeaderName.functionMemory], header: FCHeaderName.functionMemory, minimum: 1, &warnings)
                ?? platform.memoryMB ?? 128,
            timeout: timeout,
            initializer: value(FCHeaderName.functionInitializer),
            initializationTimeout: Self.seconds(
                headers[FCHeaderName.initializationTimeout], header: FCHeaderName.initializationTimeout, &warnings) ?? timeout
        )
        let service = ServiceInfo(
            name: value(FCHeaderName.serviceName).ifEmpty(platform.serviceName),
            logProject: value(FCHeaderName.logProject),
            logStore: value(FCHeaderName.logStore),
            qualifier: value(FCHeaderName.qualifier).ifEmpty(platform.qualifier).ifEmpty("LATEST"),
            versionID: value(FCHeaderName.versionID).ifEmpty(platform.versionID)
        )
        let credentials = Credentials(
            accessKeyID: value(FCHeaderName.accessKeyID),
            accessKeySecret: Secret(value(FCHeaderName.accessKeySecret)),
            securityToken: Secret(value(FCHeaderName.securityToken))
        )
        let tracing = Self.tracing(from: headers, &warnings)
        let retryCount = Self.integer(headers[FCHeaderName.retryCount], header: FCHeaderName.retryCount, minimum: 0, &warnings) ?? 0
        var logger = Logger(label: "fc.function") { _ in
            FCLogHandler(requestID: requestID, output: output, logLevel: configuration.logLevel)
        }
        logger.logLevel = configuration.logLevel

        return FCContext(
            requestID: requestID,
            credentials: credentials,
            function: function,
            service: service,
            region: value(FCHeaderName.region).ifEmpty(platform.region),
            accountID: value(FCHeaderName.accountID).ifEmpty(platform.accountID),
            retryCount: retryCount,
            instanceID: platform.instanceID,
            clientIP: value(FCHeaderName.clientIP),
            basePath: value(FCHeaderName.basePath),
            tracing: tracing,
            deadline: now.advanced(by: timeout),
            isColdStart: isColdStart,
            logger: logger,
            headerWarnings: warnings
        )
    }

    // MARK: - Field parsers

    private static func integer(_ text: String?, header: HTTPField.Name, minimum: Int, _ warnings: inout [String]) -> Int? {
        guard let text, !text.isEmpty else { return nil }
        if let number = Int(text.trimmingSpaces), number >= minimum { return number }
        warnings.append("ignoring \(header.canonicalName)=\"\(LineText.excerpt(text))\": expected a whole number ≥ \(minimum)")
        return nil
    }

    private static func seconds(_ text: String?, header: HTTPField.Name, _ warnings: inout [String]) -> Duration? {
        guard let text, !text.isEmpty else { return nil }
        if let seconds = Double(text.trimmingSpaces), seconds.isFinite, seconds > 0, seconds <= 86_400 {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        warnings.append("ignoring \(header.canonicalName)=\"\(LineText.excerpt(text))\": expected seconds, more than 0 and at most 86400")
        return nil
    }

    private static func tracing(from headers: HTTPFields, _ warnings: inout [String]) -> TracingInfo {
        let rawContext = headers[FCHeaderName.spanContext] ?? ""
        var spanContext: JaegerSpanContext?
        if !rawContext.isEmpty {
            do {
                spanContext = try JaegerSpanContext(parsing: rawContext)
            } catch {
                warnings.append("ignoring \(FCHeaderName.spanContext.canonicalName)=\"\(LineText.excerpt(rawContext))\": \(error)")
            }
        }
        var baggage = baggage(fromBase64JSON: headers[FCHeaderName.spanBaggages] ?? "", &warnings)
        for field in headers where field.name.canonicalName.hasPrefix(FCHeaderName.baggageHeaderPrefix) {
            let key = String(field.name.canonicalName.dropFirst(FCHeaderName.baggageHeaderPrefix.count))
            if !key.isEmpty { baggage[key] = field.value }
        }
        return TracingInfo(
            openTracingSpanContext: rawContext,
            openTracingSpanBaggages: baggage,
            jaegerEndpoint: Secret(headers[FCHeaderName.jaegerEndpoint] ?? ""),
            spanContext: spanContext
        )
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

    fileprivate var trimmingSpaces: Substring {
        let trimmed = drop { $0 == " " || $0 == "\t" }
        return trimmed[..<(trimmed.lastIndex { $0 != " " && $0 != "\t" }.map { trimmed.index(after: $0) } ?? trimmed.startIndex)]
    }
}
