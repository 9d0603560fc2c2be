import HTTPTypes
import Testing

@testable import FCRuntime

@Suite struct RouteTests {
    @Test func routesTheContractPaths() {
        #expect(Route.resolve(method: .post, target: "/invoke", controlPath: nil) == .success(.invoke))
        #expect(Route.resolve(method: .post, target: "/invoke", controlPath: "/invoke") == .success(.invoke))
        #expect(Route.resolve(method: .post, target: "/initialize", controlPath: "/initialize") == .success(.initialize))
        #expect(Route.resolve(method: .post, target: "/initialize", controlPath: nil) == .success(.initialize))
        #expect(Route.resolve(method: .get, target: "/pre-freeze", controlPath: nil) == .success(.preFreeze))
        #expect(Route.resolve(method: .post, target: "/pre-freeze", controlPath: nil) == .success(.preFreeze))
        #expect(Route.resolve(method: .get, target: "/pre-stop", controlPath: nil) == .success(.preStop))
        #expect(Route.resolve(method: .post, target: "/invoke?x=1", controlPath: nil) == .success(.invoke))
    }

    @Test func sendsEveryMethodAndPathWithTheHTTPControlPathToTheHTTPHandler() {
        for (method, target) in [(HTTPRequest.Method.get, "/"), (.delete, "/invoke"), (.put, "/a/b?c=d"), (.patch, "/initialize")] {
            #expect(Route.resolve(method: method, target: target, controlPath: "/http-invoke") == .success(.httpInvoke))
        }
    }

    @Test func rejectsWrongMethods() {
        #expect(Route.resolve(method: .get, target: "/invoke", controlPath: nil) == .failure(.methodNotAllowed(allowed: "POST")))
        #expect(Route.resolve(method: .put, target: "/initialize", controlPath: nil) == .failure(.methodNotAllowed(allowed: "POST")))
        #expect(Route.resolve(method: .delete, target: "/pre-stop", controlPath: nil) == .failure(.methodNotAllowed(allowed: "GET, POST")))
    }

    @Test func rejectsUnknownPathsAndControlPaths() {
        #expect(Route.resolve(method: .post, target: "/other", controlPath: nil) == .failure(.notFound(path: "/other")))
        #expect(Route.resolve(method: .post, target: "/invoke", controlPath: "/bogus") == .failure(.unknownControlPath("/bogus")))
    }

    @Test func rejectionsAnswerWithJSONAndNoFunctionStatus() throws {
        let response = Route.Rejection.methodNotAllowed(allowed: "POST").response
        #expect(response.status == .methodNotAllowed)
        #expect(response.headers[.allow] == "POST")
        #expect(response.headers[FCHeaderName.status] == nil)
        #expect(String(buffer: response.body).contains(#""errorType":"MethodNotAllowed""#))
        #expect(Route.Rejection.unknownControlPath("/x").response.status == .badRequest)
        #expect(Route.Rejection.notFound(path: "/x").response.status == .notFound)
    }
}
