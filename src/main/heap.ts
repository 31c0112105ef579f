import { setFlagsFromString } from 'node:v8'

/**
 * V8 lets the old generation grow to ~2.5× what survived the last full GC before it collects
 * again. Under client load the server's request garbage is promoted (requests wait a turn or two
 * for their group commit), so the heap went from ~75 MB live to ~190 MB before a collection, and
 * RSS stayed at that peak (`npm run bench`: 336 MB with 1M licenses). Growing by at most 1.5×
 * keeps the peak near 250 MB; the extra marking runs concurrently, on an otherwise idle core.
 * Call before the server starts.
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50')
}
