import { describe, expect, it } from 'vitest'
import {
  hirezDate,
  hirezSignature,
  hirezTimestamp,
  readTimestamp,
  signatureMatches,
  utcDayOf,
} from './signature'

const KEY = '23DF3C7E9BD14D84BF892AD206B6755C'

describe('Hi-Rez signatures and dates', () => {
  it('computes the reference example', () => {
    expect(hirezSignature(1004, 'createsession', KEY, '20170804143735')).toBe(
      'cbda2611f11b4e229ea1db6838de0ac5',
    )
  })

  it('accepts the signature in either hex case and the key in either case, nothing else', () => {
    const sig = 'cbda2611f11b4e229ea1db6838de0ac5'
    expect(signatureMatches(sig, 1004, 'createsession', KEY, '20170804143735')).toBe(true)
    expect(signatureMatches(sig.toUpperCase(), 1004, 'createsession', KEY, '20170804143735')).toBe(
      true,
    )
    const lowerKeySig = hirezSignature(1004, 'createsession', KEY.toLowerCase(), '20170804143735')
    expect(signatureMatches(lowerKeySig, 1004, 'createsession', KEY, '20170804143735')).toBe(true)
    expect(signatureMatches(sig, 1004, 'createsession', KEY, '20170804143736')).toBe(false)
    expect(signatureMatches(sig, 1004, 'testsession', KEY, '20170804143735')).toBe(false)
  })

  it('reads timestamps: format, impossible dates, instants', () => {
    expect(readTimestamp('2017080414373')).toEqual({ ok: false, reason: 'timestamp_format' })
    expect(readTimestamp('2017-08-04 14:3')).toEqual({ ok: false, reason: 'timestamp_format' })
    expect(readTimestamp('20171304143735')).toEqual({ ok: false, reason: 'timestamp_invalid' })
    expect(readTimestamp('20170230143735')).toEqual({ ok: false, reason: 'timestamp_invalid' })
    expect(readTimestamp('20170804143735')).toEqual({
      ok: true,
      at: new Date('2017-08-04T14:37:35Z'),
    })
    expect(hirezTimestamp(new Date('2017-08-04T14:37:35Z'))).toBe('20170804143735')
  })

  it('writes the reference’s answer dates and UTC days', () => {
    expect(hirezDate(new Date('2026-12-01T18:30:05Z'))).toBe('12/1/2026 6:30:05 PM')
    expect(hirezDate(new Date('2026-01-09T00:04:59Z'))).toBe('1/9/2026 12:04:59 AM')
    expect(hirezDate(new Date('2026-01-09T12:00:00Z'))).toBe('1/9/2026 12:00:00 PM')
    expect(utcDayOf(new Date('2026-12-31T23:59:59Z'))).toEqual({
      day: '20261231',
      endsAt: '2027-01-01T00:00:00.000Z',
    })
  })
})
