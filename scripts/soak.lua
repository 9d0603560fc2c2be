-- wrk script for scripts/soak.py: the benchmark's FC event invocation, paced by a delay per connection.
dofile(os.getenv("SOAK_INVOKE_LUA"))
local pause = tonumber(os.getenv("SOAK_DELAY_MS") or "2")
function delay()
   return pause
end
