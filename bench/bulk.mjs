// Bulk creation as a vendor does it: the console's "create keys" action (licenses.bulkCreate
// over the headless console's RPC, which takes up to 10,000 keys per call), repeated until
// `count` keys exist. Timed from the first call to the last answer, answers read in full.

const PER_CALL = 10_000

export async function bulkCreate({ consoleApi, product, count, log }) {
  const t = performance.now()
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
  log(`bulk: ${created.toLocaleString('en')} keys in ${seconds.toFixed(2)} s`)
  return { bulk_create_count: created, bulk_create_seconds: Math.round(seconds * 100) / 100 }
}
