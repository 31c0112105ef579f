// `node bench/profile-summary.mjs FILE.cpuprofile [--top N] [--filter text]`
// Reads a V8 CPU profile (node --cpu-prof, or `npm run bench -- --profile`) and prints where
// the time went: self time per function and inclusive time per function, in % of samples.
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '25' },
    filter: { type: 'string' },
    // Only the busiest N seconds (fewest idle samples): the load, not startup or pauses.
    busiest: { type: 'string' },
  },
})
const prof = JSON.parse(readFileSync(positionals[0], 'utf8'))
const top = Number(values.top)
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

// Sample times (µs since the profile started), to cut out a window.
const times = []
let t = 0
for (const d of prof.timeDeltas) times.push((t += d))
let lo = 0
let hi = prof.samples.length
if (values.busiest) {
  const span = Number(values.busiest) * 1e6
  const idle = prof.samples.map((id) => byId.get(id).callFrame.functionName === '(idle)')
  let best = -1
  let j = 0
  let busy = 0
  for (let i = 0; i < times.length; i++) {
    busy += idle[i] ? 0 : 1
    while (times[i] - times[j] > span) busy -= idle[j++] ? 0 : 1
    if (busy > best) [best, lo, hi] = [busy, j, i + 1]
  }
}
const counts = new Map()
for (let i = lo; i < hi; i++) counts.set(prof.samples[i], (counts.get(prof.samples[i]) ?? 0) + 1)
const total = hi - lo

const label = (n) => {
  const f = n.callFrame
  const file = f.url ? f.url.replace(/^.*\/(node_modules\/)?/, (m, nm) => (nm ? 'nm:' : '')) : ''
  return `${f.functionName || '(anon)'} ${file}:${f.lineNumber + 1}`
}

const self = new Map()
const incl = new Map()
for (const [id, c] of counts) {
  const n = byId.get(id)
  self.set(label(n), (self.get(label(n)) ?? 0) + c)
  // Inclusive: every distinct frame on the stack, once per sample.
  const seen = new Set()
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur))
    if (seen.has(l)) continue
    seen.add(l)
    incl.set(l, (incl.get(l) ?? 0) + c)
  }
}

const print = (title, m) => {
  console.log(`\n${title} (${total} samples)`)
  const rows = [...m]
    .filter(([l]) => !values.filter || l.includes(values.filter))
    .sort((a, b) => b[1] - a[1])
  for (const [l, c] of rows.slice(0, top))
    console.log(`${((c / total) * 100).toFixed(1).padStart(6)}%  ${l}`)
}
print('self time', self)
print('inclusive time', incl)
