// Bulk creation as a vendor does it: the console's "create keys" action (licenses.bulkCreate
// over the headless console's RPC, which takes up to 10,000 keys per call), repeated until
// `count` keys exist. Timed from the first call to the last answer, answers read in full; the
// server's CPU seconds over the same span beside it (comparable on a busy machine, wall time not).
import { treeCpuSecondsOf } from './lib/procs.mjs'

const PER_CALL = 10_000

export async function bulkCreate({ consoleApi, product, count, log, serverPid }) {
  const t = performance.now()
  const cpu0 = treeCpuSecondsOf(serverPid)
  let created = 0
  while (created < count) {
    const n = Math.min(PER_CALL, count - created)
    const r = await consoleApi.rpc('licenses.bulkCreate', {
      product_id: product,
      count: n,
      type: 'subscription',
      metadata: { plan: 'bulk', batch: created / PER_CALL },
    })
    created += r.created
  }
  const seconds = (performance.now() - t) / 1000
  const cpu = cpu0 === null ? null : treeCpuSecondsOf(serverPid) - cpu0
  log(
    `bulk: ${created.toLocaleString('en')} keys in ${seconds.toFixed(2)} s (server CPU ${cpu?.toFixed(2)} s)`,
  )
  return {
    bulk_create_count: created,
    bulk_create_seconds: Math.round(seconds * 100) / 100,
    bulk_create_cpu_seconds: cpu === null ? null : Math.round(cpu * 100) / 100,
  }
}
