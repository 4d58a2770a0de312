-- wrk script: the traffic of visitors of the portal (scripts/load.sh):
-- mostly suggestions as they type (55 %) and searches (35 %), some offer
-- pages (7 %) and similar offers (3 %). LOAD_IDS names a file of offer ids,
-- one a line (without it, no offer pages); LOAD_DELAY_MS, when set, paces
-- each connection (about that many milliseconds between its requests,
-- ±50 %) for a steady moderate rate.
package.path = (os.getenv("LOAD_LUA_DIR") or "scripts/load") .. "/?.lua;" .. package.path
local common = require("common")

local ids = {}
local idsFile = os.getenv("LOAD_IDS")
if idsFile then
  for line in io.lines(idsFile) do
    if line ~= "" then ids[#ids + 1] = line end
  end
end

local function path()
  local r = math.random()
  if #ids == 0 then r = r * 0.90 end
  if r < 0.55 then
    return common.suggestPath()
  elseif r < 0.90 then
    return common.searchPath()
  elseif r < 0.97 then
    return "/api/v1/offers/" .. common.urlencode(common.pick(ids))
  end
  return "/api/v1/offers/" .. common.urlencode(common.pick(ids)) .. "/similar?limit=5"
end

common.run { gen = function() return wrk.format("GET", path()) end }

local pace = tonumber(os.getenv("LOAD_DELAY_MS") or "")
if pace and pace > 0 then
  function delay()
    return math.random(math.floor(pace / 2), math.floor(pace * 3 / 2))
  end
end
