/// Runs queued async invocations (stub).
struct AsyncQueueRunner {
    let platform: Platform
    func run() async {}
}
