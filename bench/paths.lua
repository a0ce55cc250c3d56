-- wrk script for bench/server.py: each request asks for the next path of a file (one per line), the threads
-- taking turns so that no page is asked twice until the whole file has been gone through; each request
-- comes from its own visitor address (X-Forwarded-For, trusted through PROXY_COUNT as behind nginx), and
-- carries the cookie given after the number of threads, if any (a signed-in person's session).
--   wrk -t2 -c8 -d10s -s bench/paths.lua http://127.0.0.1:8000 -- paths.txt 2 [cookie]

local count = 0
local threads = {}

function setup(thread)
   thread:set("id", count)
   count = count + 1
   threads[count] = thread
end

function init(args)
   paths = {}
   for line in io.lines(args[1]) do
      if line ~= "" then
         paths[#paths + 1] = line
      end
   end
   stride = tonumber(args[2])  -- wrk's -t: thread `id` takes paths id, id + stride, id + 2 × stride…
   cookie = args[3]
   sent = 0
end

function request()
   local n = id + sent * stride
   sent = sent + 1
   local headers = {
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", id, math.floor(n / 250) % 250, n % 250 + 1),
   }
   if cookie and cookie ~= "" then
      headers["Cookie"] = cookie
   end
   return wrk.format("GET", paths[n % #paths + 1], headers)
end

-- "sent" counts the requests written, answered or not: those still under way when the time was up are
-- finished by the server all the same, and bench/server.py waits for them before the next kind.
function done(summary, latency, requests)
   local errors = summary.errors
   local total = 0
   for _, thread in ipairs(threads) do
      total = total + thread:get("sent")
   end
   io.write(string.format(
      '{"requests": %d, "sent": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
      summary.requests, total, summary.duration, summary.bytes, latency:percentile(50),
      latency:percentile(99), errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
