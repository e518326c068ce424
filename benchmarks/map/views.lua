-- wrk script of the map endpoint benchmark: cycles through the request paths
-- listed one a line in a file, and prints one parseable line at the end.
-- Usage: wrk -t1 -c1 -d10s --latency -s views.lua http://HOST:PORT -- PATHS_FILE

local paths = {}
local next_path = 0

function init(args)
  local file = args[1]
  if file == nil then
    error("give the file of request paths after --")
  end
  for line in io.lines(file) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no request paths in " .. file)
  end
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d errors=%d status_errors=%d "
      .. "p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
