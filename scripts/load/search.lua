-- wrk script: searches as the portal's widget sends them (scripts/load.sh),
-- each made when sent (the server caches searches: a pool cycled through
-- would repeat them); LOAD_SEARCH_MODE, when set, asks for that mode.
package.path = (os.getenv("LOAD_LUA_DIR") or "scripts/load") .. "/?.lua;" .. package.path
local common = require("common")

common.run { gen = function() return wrk.format("GET", common.searchPath()) end }
