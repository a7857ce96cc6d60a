-- wrk script of bench/harness.py: spreads threads over several app processes and prints exact figures.
--
-- Environment (set by harness.run_wrk):
--   WRK_PORTS    "8001,8002": each wrk thread connects to one of these ports on 127.0.0.1, round-robin
--                (thread 1 to the first, thread 2 to the second, ...), so connections spread evenly
--                when the number of threads is a multiple of the number of ports.
--   WRK_COOKIES  cookies separated by "|": thread n sends the n-th (round-robin), so a logged-in
--                scenario is several people, not one.
-- Extra headers (If-None-Match, ...) come as wrk's own -H options.
-- At the end one line "WRK_JSON {...}" with requests, seconds, status errors and latency percentiles in µs.

local ports, cookies, counter = {}, {}, 0

local function split(text, separator)
  local parts = {}
  for part in string.gmatch(text or "", "[^" .. separator .. "]+") do
    table.insert(parts, part)
  end
  return parts
end

ports = split(os.getenv("WRK_PORTS"), ",")
cookies = split(os.getenv("WRK_COOKIES"), "|")

function setup(thread)
  counter = counter + 1
  if #ports > 0 then
    local port = ports[(counter - 1) % #ports + 1]
    thread.addr = wrk.lookup("127.0.0.1", port)[1]
  end
  if #cookies > 0 then
    thread:set("cookie", cookies[(counter - 1) % #cookies + 1])
  end
end

function init(args)
  if cookie then
    wrk.headers["Cookie"] = cookie
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "bytes": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50": %d, "p90": %d, "p99": %d, "max": %d}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, errors.status,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
