-- wrk script of `make bench` (portal/management/commands/bench_run.py).
-- Environment: BENCH_METHOD (GET or POST), BENCH_BODY (form body for POST),
-- BENCH_COOKIE, BENCH_EXPECT (the status every answer must have, e.g. 200 or 302),
-- BENCH_PATHS (optional: a file of paths, one a line; each request takes the next, each
-- thread starting at its own place, so a list longer than the run sends no path twice).
-- done() prints one JSON line that bench_run reads: counts, statuses and latency.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local cookie = os.getenv("BENCH_COOKIE")
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
-- A browser's User-Agent: campaign counting (issue 16) counts only what looks like a person.
local agent = os.getenv("BENCH_AGENT")

wrk.method = method
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
if agent and agent ~= "" then
  wrk.headers["User-Agent"] = agent
end

local paths_file = os.getenv("BENCH_PATHS")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  unexpected = 0
  if paths_file and paths_file ~= "" then
    paths = {}
    for line in io.lines(paths_file) do
      if line ~= "" then table.insert(paths, line) end
    end
    -- Threads start half a list apart (2 threads): no path is sent twice per run.
    next_path = math.floor((thread_number - 1) * #paths / 2)
  end
end

if paths_file and paths_file ~= "" then
  function request()
    next_path = next_path + 1
    return wrk.format(nil, paths[(next_path % #paths) + 1])
  end
end

function response(status, headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + (thread:get("unexpected") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"socket_errors": %d, "non_2xx_3xx": %d, "unexpected_status": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status, wrong,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
