-- wrk script: questions to the assistant, streamed as the widget asks them
-- (Accept: text/event-stream), each from another client behind the reverse
-- proxy (X-Forwarded-For; offres must trust 127.0.0.1 as a proxy) so that
-- the per-client rate limit (20 a minute) is not what is measured
-- (scripts/load.sh). It counts the answers by kind from their "done"
-- event: the model's, grounded (llm); the extractive answer after a
-- failed citation check (fallback); extractive without the model, when no
-- offer was found (extractive); no "done" event (noanswer). LOAD_SAMPLES,
-- when set, is a folder where each thread writes a few answers (the 1st,
-- 11th and 21st it receives).
package.path = (os.getenv("LOAD_LUA_DIR") or "scripts/load") .. "/?.lua;" .. package.path
local common = require("common")

local samplesDir = os.getenv("LOAD_SAMPLES")
local answered, sampled = 0, 0

local function jsonString(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end) .. '"'
end

local function bump(name) _G[name] = (_G[name] or 0) + 1 end

common.run {
  size = 4000,
  gen = function(n)
    local body = '{"question":' .. jsonString(common.pick(common.questions)) .. '}'
    -- one client address per request of the pool: 100.(64+thread).x.y
    local ip = string.format("100.%d.%d.%d", 64 + id, math.floor(n / 256), n % 256)
    return wrk.format("POST", "/api/v1/ask", {
      ["Content-Type"] = "application/json",
      ["Accept"] = "text/event-stream",
      ["X-Forwarded-For"] = ip,
    }, body)
  end,
  response = function(status, body)
    if status ~= 200 then return end
    local final = body:match("event: done\ndata: ([^\n]*)")
    if not final then
      bump("noanswer")
    elseif final:find('"mode":"llm"', 1, true) then
      bump("llm")
    elseif final:find('"grounded":false', 1, true) then
      bump("fallback")
    else
      bump("extractive")
    end
    answered = answered + 1
    if samplesDir and sampled < 3 and answered % 10 == 1 then
      sampled = sampled + 1
      local f = io.open(string.format("%s/ask-t%d-%d.sse", samplesDir, id, sampled), "w")
      if f then
        f:write(body)
        f:close()
      end
    end
  end,
  extras = { "llm", "fallback", "extractive", "noanswer" },
}
