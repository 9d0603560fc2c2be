/// The instances of one function (stub).
actor InstancePool {
    let function: FunctionConfiguration
    init(function: FunctionConfiguration, launch: LaunchSpec, settings: PlatformSettings, store: PlatformStore, metrics: PlatformMetrics, output: PlatformOutput) {
        self.function = function
    }
    func retireAll(reason: String) async {}
    func tick() async {}
}
