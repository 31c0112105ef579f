// A bundle-size report for `npm run build`: every chunk and asset electron-vite writes (main,
// preload, renderer), raw and gzip bytes, printed as a table when each target is written and
// kept in out/bundle-report.json (the renderer's is the one a console window downloads).
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Plugin } from 'vite'

const REPORT = join(import.meta.dirname, '..', 'out', 'bundle-report.json')
interface Row {
  name: string
  file: string
  kind: 'entry' | 'lazy' | 'shared' | 'asset'
  bytes: number
  gzip: number
}
type Bundle = Parameters<Extract<Plugin['writeBundle'], (...a: never[]) => unknown>>[1]

/** Targets written so far in this build (electron-vite builds them one after another). */
const targets: Record<string, { total: { bytes: number; gzip: number }; files: Row[] }> = {}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`.padStart(10)

/** One row per emitted file: its chunk name, file, kind, raw and gzip sizes. */
function rowsOf(bundle: Bundle): Row[] {
  return Object.values(bundle)
    .map((f): Row => {
      const bytes = Buffer.from(f.type === 'chunk' ? f.code : f.source)
      return {
        name: f.type === 'chunk' ? f.name : (f.names?.[0] ?? f.fileName),
        file: f.fileName,
        kind:
          f.type === 'asset' ? 'asset' : f.isEntry ? 'entry' : f.isDynamicEntry ? 'lazy' : 'shared',
        bytes: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
      }
    })
    .filter((r) => !r.file.endsWith('.map'))
    .sort((a, b) => b.bytes - a.bytes)
}

/** A Vite plugin recording the bundle of `target` (main, preload or renderer). */
export function bundleReport(target: string): Plugin {
  let table = ''
  return {
    name: 'keywarden-bundle-report',
    apply: 'build',
    writeBundle(_options, bundle) {
      const files = rowsOf(bundle)
      const total = files.reduce((t, f) => ({ bytes: t.bytes + f.bytes, gzip: t.gzip + f.gzip }), {
        bytes: 0,
        gzip: 0,
      })
      targets[target] = { total, files }
      mkdirSync(join(REPORT, '..'), { recursive: true })
      writeFileSync(REPORT, JSON.stringify({ targets }, null, 2) + '\n')
      const lines = files.map(
        (f) =>
          `  ${f.kind.padEnd(6)} ${f.name.padEnd(28)} ${kb(f.bytes)} ${kb(f.gzip)} gzip  ${f.file}`,
      )
      table =
        `\nBundle report (${target}): ${files.length} files, ${kb(total.bytes).trim()} raw, ` +
        `${kb(total.gzip).trim()} gzip (out/bundle-report.json)\n${lines.join('\n')}\n`
    },
    // After Vite's own file list and warnings, so the renderer's table ends `npm run build`.
    closeBundle() {
      if (table) console.log(table)
    },
  }
}
