-- wrk script of the heartbeat scenario (bench/lib/wrk.mjs): LicenseCM heartbeats of the
-- sessions in KW_CHAINS (key, hwid, product id, token; tab-separated, one per line). Each
-- heartbeat rotates its session's token, so a session is never in flight twice: a request takes
-- a free session, its answer gives it back with the new token. The answer names the machine
-- (the signed verdict's hwid), which is how the answer finds its session. A session whose
-- answer is not a 200 stays out (its token is no longer known). KW_CHAINS_OUT receives the free
-- sessions at the end, for the scenarios that go on with them.
dofile(os.getenv('KW_LUA_DIR') .. '/wrk-result.lua')
wrk.method = 'POST'
wrk.headers['Content-Type'] = 'application/json'
local free, byHwid, threads = {}, {}, {}
-- hwid -> the KW_CHAINS line of each free session: a global of strings, which done() (another
-- Lua state) can read through thread:get.
freeLines = {}

local function line(c)
  return table.concat({ c.key, c.hwid, c.product, c.token }, '\t')
end

function setup(thread)
  threads[#threads + 1] = thread
end

function init()
  for l in io.lines(os.getenv('KW_CHAINS')) do
    local key, hwid, product, token = l:match('^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$')
    local c = { key = key, hwid = hwid, product = product, token = token }
    free[#free + 1] = c
    byHwid[hwid] = c
    freeLines[hwid] = l
  end
end

function request()
  local c = table.remove(free)
  if c then
    freeLines[c.hwid] = nil
  else
    -- More connections than free sessions: resend one (the server refuses the stale token).
    for _, any in pairs(byHwid) do
      c = any
      break
    end
  end
  return wrk.format(nil, nil, nil, string.format(
    '{"license_key":"%s","hwid":"%s","product_id":"%s","session_token":"%s"}',
    c.key, c.hwid, c.product, c.token))
end

function response(status, headers, body)
  if status ~= 200 then return end
  local c = byHwid[body:match('\\"hwid\\":\\"(.-)\\"') or '']
  local token = body:match('"new_token":"(.-)"')
  if c and token and not freeLines[c.hwid] then
    c.token = token
    free[#free + 1] = c
    freeLines[c.hwid] = line(c)
  end
end

function done(summary, latency)
  local out = io.open(os.getenv('KW_CHAINS_OUT'), 'w')
  for _, t in ipairs(threads) do
    for _, l in pairs(t:get('freeLines')) do out:write(l, '\n') end
  end
  out:close()
  kw_result(summary, latency)
end
