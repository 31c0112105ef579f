import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { csvCell, csvCellValue, toCsv } from './csv'

describe('CSV exports defuse formulae', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `'=HYPERLINK("http://evil.example","x")`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['=1\n=2', "'=1\n=2"],
    ['buyer@example.com', 'buyer@example.com'],
    ['plain note', 'plain note'],
    ['', ''],
  ])('the text cell %j is written as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected)
  })

  it('keeps numbers, booleans and empties as they are, objects as JSON (defused too)', () => {
    expect(csvCell(-5)).toBe(-5)
    expect(csvCell(true)).toBe(true)
    expect(csvCell(null)).toBe('')
    expect(csvCell({ plan: 'pro' })).toBe('{"plan":"pro"}')
  })

  it('writes a file a spreadsheet opens without running anything, and reads it back', () => {
    const csv = toCsv(
      [{ customer_email: '=cmd|"/c calc"!A1', notes: 'ok', max_uses: -1 }],
      ['customer_email', 'notes', 'max_uses'],
    )
    const parsed = Papa.parse<string[]>(csv).data
    expect(parsed).toEqual([
      ['customer_email', 'notes', 'max_uses'],
      [`'=cmd|"/c calc"!A1`, 'ok', '-1'],
    ])
    expect(csvCellValue(parsed[1][0])).toBe('=cmd|"/c calc"!A1')
    expect(csvCellValue("'quoted on purpose")).toBe("'quoted on purpose")
  })
})
