-- wrk script for bench/serve.sh: every request a different what-if, as a slider
-- being dragged: one of the seven drivers of bench/model shifted by -0.50..+0.50
-- (steps of 0.01), for everyone or one region. Any non-200 answer is counted.
local drivers = {"d1", "d2", "d3", "d4", "d5", "d6", "d7"}
local regions = {"", "north", "south", "west"}
local non200 = 0

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

request = function()
  local d = drivers[math.random(#drivers)]
  local shift = (math.random(101) - 51) / 100
  if shift == 0 then shift = 0.01 end
  local where = ""
  local r = regions[math.random(#regions)]
  if r ~= "" then where = string.format(', "where": {"region": "%s"}', r) end
  local body = string.format('{"shift": {"%s": %.2f}%s}', d, shift, where)
  return wrk.format("POST", "/api/whatif", {["Content-Type"] = "application/json"}, body)
end

-- EXPECT_INTERVALS=ready: every answer must say it carries the intervals.
local expect = os.getenv("EXPECT_INTERVALS")
local unexpected = 0

response = function(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if non200 <= 3 then io.stderr:write("non-200: " .. status .. " " .. body .. "\n") end
  end
  if expect and headers["x-sattrace-intervals"] ~= expect then
    unexpected = unexpected + 1
    if unexpected <= 3 then
      io.stderr:write("intervals: " .. tostring(headers["x-sattrace-intervals"]) .. ", expected " .. expect .. "\n")
    end
  end
end

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors(socket)=%d/%d/%d/%d non200-in-thread-scripts-see-stderr\n",
    summary.requests, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  for _, p in ipairs({50, 90, 99, 99.9}) do
    io.write(string.format("p%s=%.2f ms\n", p, latency:percentile(p) / 1000))
  end
  io.write(string.format("max=%.2f ms mean=%.2f ms\n", latency.max / 1000, latency.mean / 1000))
end
