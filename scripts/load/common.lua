-- What the load scripts of scripts/load.sh share: the realistic inputs
-- (French queries, filters, typed prefixes, questions), URL encoding, the
-- per-thread counters of response statuses and the one-line result that
-- scripts/load.sh parses.
--
-- wrk runs one Lua state per thread plus one for setup() and done(): the
-- counters live in each thread and done() collects them with thread:get().
local M = {}

-- Queries a visitor of the portal types: job titles, skills, employers,
-- communes and their combinations, a few typos (fuzzy matching) and
-- abbreviations. Written from the titles of the corpus (the shared France
-- Travail and public-service offers and the demo corpus), in a plausible
-- order of popularity: searches draw them by a Zipf law (see M.zipf).
M.queries = {
  "infirmier", "infirmière", "aide soignant", "médecin", "sage-femme", "kinésithérapeute", "pharmacien",
  "développeur", "développeur web", "technicien informatique", "administrateur systèmes", "cybersécurité",
  "chef de projet", "chef de projet digital", "comptable", "gestionnaire budgétaire", "contrôle de gestion",
  "assistant administratif", "secrétaire", "agent d'accueil", "juriste", "juriste marchés publics",
  "ressources humaines", "gestionnaire paie", "éducateur spécialisé", "animateur", "enseignant", "ATSEM",
  "agent d'entretien", "agent de propreté", "ripeur", "gardien de déchetterie", "technicien assainissement",
  "conducteur de travaux", "ingénieur", "géomètre topographe", "électricien", "mécanicien", "maçon",
  "chauffeur poids lourd", "cariste", "logistique", "commercial", "vendeur", "cuisinier", "serveur",
  "maître-nageur", "jardinier espaces verts", "agent polyvalent", "hygiéniste", "infirmeir", "developeur",
  "comptabel", "infirmier Nouméa", "comptable Dumbéa", "agent d'entretien Païta", "juriste Province Sud",
  "CDD secrétariat", "stage communication", "alternance informatique", "catégorie A", "DSIN", "DDDT",
  "permis B", "temps partiel", "travail de nuit", "bilingue anglais", "Excel", "SQL", "management d'équipe",
}

-- Filters the widget's facets add: facet=value pairs, one or two at once.
M.filters = {
  "commune=Nouméa", "commune=Dumbéa", "commune=Le Mont-Dore", "commune=Païta", "commune=Bourail",
  "commune=La Foa", "category=A", "category=B", "category=C", "contract_type=cdd", "contract_type=cdi",
  "contract_type=titulaire", "contract_type=contractuel", "contract_type=interim", "deadline_status=open",
  "deadline_status=closing_soon",
}

-- Words typed into the search box, whose prefixes (2 to 8 characters) the
-- widget sends to /suggest as the visitor types. The service refuses one
-- character (400), and the widget does not send it.
M.words = {
  "infirmier", "développeur", "comptable", "technicien", "assistant", "agent", "chef de projet", "juriste",
  "ingénieur", "éducateur", "secrétaire", "médecin", "conducteur", "gestionnaire", "animateur", "ripeur",
  "gardien", "cuisinier", "électricien", "mécanicien", "commercial", "responsable", "chargé de mission",
  "Nouméa", "Dumbéa", "Païta", "enseignant", "logistique", "informatique", "maître-nageur", "hygiéniste",
  "jardinier", "administrateur", "opérateur", "aide soignant", "pharmacien", "directeur", "adjoint",
}

-- Questions asked to the assistant: deadlines, places, salaries, lists.
M.questions = {
  "Quelle est la date limite pour le poste de chef de projet digital ?",
  "Quelles sont les offres d'infirmier à Nouméa ?",
  "Où est basé le poste de géomètre topographe ?",
  "Quel est le salaire d'un technicien assainissement ?",
  "Y a-t-il des offres de développeur web ouvertes ?",
  "Quelles offres de comptable à Dumbéa ?",
  "Qui recrute un juriste marchés publics ?",
  "Quels postes d'agent d'entretien ferment cette semaine ?",
  "Quelles sont les conditions pour le poste de ripeur ?",
  "Quelle expérience faut-il pour être gardien de déchetterie ?",
  "Quelles offres en CDI pour un électricien ?",
  "Quelle est la catégorie du poste de gestionnaire budgétaire ?",
  "Comment candidater au poste d'éducateur spécialisé ?",
  "Quelles offres d'enseignant à Païta ?",
  "Le poste d'assistant administratif est-il encore ouvert ?",
  "Quelles offres pour un cuisinier au Mont-Dore ?",
}

-- urlencode escapes a query parameter's value (UTF-8 bytes).
function M.urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- param encodes "facet=value".
function M.param(kv)
  local k, v = kv:match("^([^=]+)=(.*)$")
  return k .. "=" .. M.urlencode(v)
end

-- pick returns a random element of list.
function M.pick(list) return list[math.random(#list)] end

-- zipf is the exponent of the popularity of queries (LOAD_ZIPF, default 1:
-- the k-th query is asked 1/k as often as the first; 0: all alike). What
-- share of searches the server's search cache answers depends on it.
M.zipf = tonumber(os.getenv("LOAD_ZIPF") or "") or 1

local cumulative = {}
do
  local sum = 0
  for k = 1, #M.queries do
    sum = sum + 1 / k ^ M.zipf
    cumulative[k] = sum
  end
  for k = 1, #M.queries do cumulative[k] = cumulative[k] / sum end
end

-- pickQuery returns a query drawn by popularity.
function M.pickQuery()
  local r = math.random()
  for k = 1, #M.queries do
    if r <= cumulative[k] then return M.queries[k] end
  end
  return M.queries[#M.queries]
end

-- searchMode, from LOAD_SEARCH_MODE, is the mode asked of searches with a
-- text (keyword, semantic, hybrid); none: the service's default (hybrid),
-- as the widget does.
M.searchMode = os.getenv("LOAD_SEARCH_MODE")
if M.searchMode == "" then M.searchMode = nil end

-- searchPath returns a search as the widget sends it: the query (or none,
-- to browse with filters), zero to two filters, the sort the widget picks,
-- 10 per page, and sometimes a later page.
function M.searchPath()
  local parts = {}
  local r = math.random()
  local q = nil
  if r > 0.05 then q = M.pickQuery() end
  if q then parts[#parts + 1] = "q=" .. M.urlencode(q) end
  if q and M.searchMode then parts[#parts + 1] = "mode=" .. M.searchMode end
  local nf = 0
  r = math.random()
  if r < 0.25 then nf = 1 elseif r < 0.35 or not q then nf = 2 end
  local used = {}
  for _ = 1, nf do
    local f = M.pick(M.filters)
    if not used[f] then
      used[f] = true
      parts[#parts + 1] = M.param(f)
    end
  end
  parts[#parts + 1] = "sort=" .. (q and "relevance" or "deadline")
  parts[#parts + 1] = "limit=10"
  local page = 1
  r = math.random()
  if r < 0.10 then page = 2 elseif r < 0.15 then page = 3 end
  parts[#parts + 1] = "page=" .. page
  return "/api/v1/search?" .. table.concat(parts, "&")
end

-- suggestPath returns a prefix of 2 to 8 characters of a typed word, as
-- the widget sends it on each keystroke.
function M.suggestPath()
  local w = M.pick(M.words)
  local chars = {}
  for c in w:gmatch("[%z\1-\127\194-\244][\128-\191]*") do chars[#chars + 1] = c end
  local n = math.random(2, math.min(8, #chars))
  local prefix = table.concat(chars, "", 1, n)
  return "/api/v1/suggest?q=" .. M.urlencode(prefix) .. "&limit=8"
end

-- Counters, per thread (globals of the thread's Lua state): responses by
-- status, and the searches the server's cache answered (X-Cache: hit) or
-- computed (miss).
function M.count(status, headers)
  if status >= 200 and status < 300 then
    ok = (ok or 0) + 1
  else
    bad = bad or {}
    bad[status] = (bad[status] or 0) + 1
  end
  local cache = headers["X-Cache"]
  if cache == "hit" then
    cache_hits = (cache_hits or 0) + 1
  elseif cache == "miss" then
    cache_misses = (cache_misses or 0) + 1
  end
end

-- The threads, kept by setup() for done().
M.threads = {}

-- run defines wrk's hooks for a script: spec.gen(n) returns the n-th
-- request (made with wrk.format). With spec.size, a pool of that many
-- requests per thread is made before the run and cycled through, so that
-- wrk spends little CPU per request (the server shares the machine's
-- cores with it): for the routes the server does not cache. Without it,
-- each request is made when sent, so that none repeats but by chance.
-- spec.response(status, body), when given, sees each response after it is
-- counted; spec.extras names its counters (thread globals) to report.
function M.run(spec)
  local reqs, i
  function setup(thread)
    M.threads[#M.threads + 1] = thread
    thread:set("id", #M.threads)
  end
  function init(args)
    math.randomseed(id * 7919)
    reqs = {}
    for n = 1, spec.size or 0 do reqs[n] = spec.gen(n) end
    i = 0
  end
  function request()
    i = i + 1
    if #reqs == 0 then return spec.gen(i) end
    return reqs[(i - 1) % #reqs + 1]
  end
  function response(status, headers, body)
    M.count(status, headers)
    if spec.response then spec.response(status, body) end
  end
  function done(summary, latency, requests)
    M.report(summary, latency, spec.extras)
  end
end

-- report prints the one line scripts/load.sh reads, after wrk's own output:
-- requests, rate, latency percentiles (ms), non-2xx by status, socket
-- errors, and extra counters named in extras (summed over the threads).
function M.report(summary, latency, extras)
  extras = extras or {}
  table.insert(extras, 1, "cache_misses")
  table.insert(extras, 1, "cache_hits")
  local total_ok, by_status, non2xx = 0, {}, 0
  local sums = {}
  for _, t in ipairs(M.threads) do
    total_ok = total_ok + (t:get("ok") or 0)
    local b = t:get("bad") or {}
    for s, n in pairs(b) do
      by_status[s] = (by_status[s] or 0) + n
      non2xx = non2xx + n
    end
    for _, name in ipairs(extras) do
      sums[name] = (sums[name] or 0) + (t:get(name) or 0)
    end
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local statuses = {}
  for s, n in pairs(by_status) do statuses[#statuses + 1] = s .. ":" .. n end
  table.sort(statuses)
  local line = string.format(
    "LOAD_RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f ok=%d non2xx=%d statuses=%s socket_errors=%d timeouts=%d",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    total_ok, non2xx, (#statuses > 0 and table.concat(statuses, ",") or "-"),
    e.connect + e.read + e.write, e.timeout)
  for _, name in ipairs(extras) do
    line = line .. string.format(" %s=%d", name, sums[name] or 0)
  end
  io.write(line .. "\n")
end

return M
