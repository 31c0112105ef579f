import { expect } from 'vitest'

type Tester = Parameters<typeof expect.addEqualityTesters>[0][number]

type Plain = Record<string, unknown>
const isPlain = (v: unknown): v is Plain => v !== null && typeof v === 'object' && !Array.isArray(v)
const withoutId = ({ request_id: _id, ...rest }: Plain): Plain => rest

/**
 * Every error body carries its answer's `request_id` (a fresh UUID per request; see
 * src/main/http/observability/request-id.ts). A test asserting a protocol's error shape with
 * toEqual compares the rest when it leaves the field out of its expectation;
 * test/integration/request-id.test.ts asserts the field itself on every surface.
 */
const ignoringRequestId: Tester = function (a, b, testers) {
  if (!isPlain(a) || !isPlain(b) || 'request_id' in a === 'request_id' in b) return undefined
  return this.equals(
    'request_id' in a ? withoutId(a) : a,
    'request_id' in b ? withoutId(b) : b,
    testers,
  )
}

expect.addEqualityTesters([ignoringRequestId])
