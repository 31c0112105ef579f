-- wrk script of the bench's stream scenarios (bench/lib/wrk.mjs): POSTs the JSON bodies of the
-- file KW_BODIES (one per line) in turn, starting at line KW_OFFSET + 1 and going round at the
-- end. Bodies that must never repeat (encrypted envelopes) come in a file long enough for the
-- run; one that repeats anyway is refused by the server and counted as a non-2xx answer.
dofile(os.getenv('KW_LUA_DIR') .. '/wrk-result.lua')
wrk.method = 'POST'
wrk.headers['Content-Type'] = 'application/json'
local bodies = {}
local n = tonumber(os.getenv('KW_OFFSET') or '0')

function init()
  for line in io.lines(os.getenv('KW_BODIES')) do
    bodies[#bodies + 1] = line
  end
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, bodies[((n - 1) % #bodies) + 1])
end

function done(summary, latency)
  kw_result(summary, latency)
end
