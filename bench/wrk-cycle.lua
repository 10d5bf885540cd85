-- wrk script: every request is the next query of a file (one per line), URL-encoded,
-- sent as GET <path>?q=<query>; each wrk thread starts at a different line and
-- cycles through the whole file.
--
--   wrk -t2 -c16 -d10s --latency -s bench/wrk-cycle.lua http://127.0.0.1:PORT -- QUERIES /search
--
-- With WRK_JSON set, done() writes one JSON line there: requests, duration, errors
-- and latency percentiles (microseconds, as wrk measures them).

local thread_count = 0

function setup(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local requests_list = {}
local next_index = 1

function init(args)
  local file, path = args[1], args[2] or "/search"
  for line in io.lines(file) do
    if line ~= "" then
      requests_list[#requests_list + 1] = wrk.format("GET", path .. "?q=" .. urlencode(line))
    end
  end
  if #requests_list == 0 then error("no queries in " .. file) end
  -- threads start half a file apart so that they do not send the same query together
  next_index = ((thread_id or 0) * math.floor(#requests_list / 2)) % #requests_list + 1
end

function request()
  local r = requests_list[next_index]
  next_index = next_index % #requests_list + 1
  return r
end

function done(summary, latency, requests)
  local out = os.getenv("WRK_JSON")
  if not out then return end
  local e = summary.errors
  local f = assert(io.open(out, "w"))
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  f:close()
end
