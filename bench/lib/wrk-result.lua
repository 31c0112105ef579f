-- The result line bench/lib/wrk.mjs reads from wrk's output (the scripts' done()).
function kw_result(summary, latency)
  local e = summary.errors
  io.write(string.format(
    'KWRESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"errors":%d,"timeouts":%d,' ..
      '"p50_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
