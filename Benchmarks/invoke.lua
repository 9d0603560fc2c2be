-- wrk script: an FC event invocation with the headers the platform sends and a 22-byte event.
wrk.method = "POST"
wrk.path = "/invoke"
wrk.body = '{"message":"hi there"}'
wrk.headers["Content-Type"] = "application/octet-stream"
wrk.headers["x-fc-request-id"] = "bench-7a2c-4f51-9c2e-1b3d5e7f9a0b"
wrk.headers["x-fc-control-path"] = "/invoke"
wrk.headers["x-fc-function-name"] = "bench"
wrk.headers["x-fc-function-handler"] = "echo"
wrk.headers["x-fc-function-memory"] = "512"
wrk.headers["x-fc-function-timeout"] = "10"
wrk.headers["x-fc-region"] = "cn-hangzhou"
wrk.headers["x-fc-account-id"] = "1234567890"
wrk.headers["x-fc-service-name"] = "bench"
wrk.headers["x-fc-qualifier"] = "LATEST"
wrk.headers["x-fc-access-key-id"] = "STS.bench"
wrk.headers["x-fc-access-key-secret"] = "bench-secret"
wrk.headers["x-fc-security-token"] = "bench-token"

-- Large events (bench.py's echo throughput): BENCH_BODY_BYTES replaces the event with that many bytes.
local body_bytes = tonumber(os.getenv("BENCH_BODY_BYTES") or "")
if body_bytes then
   wrk.body = string.rep("x", body_bytes)
end

-- Tracing as FC does it (bench.py's tracing-fc-headers): BENCH_TRACE_ENDPOINT adds the collector endpoint and a
-- sampled platform span to every invocation's headers.
local trace_endpoint = os.getenv("BENCH_TRACE_ENDPOINT")
if trace_endpoint then
   wrk.headers["x-fc-tracing-jaeger-endpoint"] = trace_endpoint
   wrk.headers["x-fc-tracing-opentracing-span-context"] = "5d1c07ef2ebd3a4b8f1e2a3c4d5e6f70:8f1e2a3c4d5e6f70:0:1"
end
