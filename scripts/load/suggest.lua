-- wrk script: search-as-you-type suggestions, prefixes of 2 to 8
-- characters (scripts/load.sh).
package.path = (os.getenv("LOAD_LUA_DIR") or "scripts/load") .. "/?.lua;" .. package.path
local common = require("common")

common.run { size = 4000, gen = function() return wrk.format("GET", common.suggestPath()) end }
