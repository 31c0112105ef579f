import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '../..')
const builder = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<
  string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  any
>
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

/** Every source file (tests excluded) under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(f.name))
    .filter((f) => !/\.test\.ts$/.test(f.name))
    .map((f) => join(f.parentPath, f.name))
}

/** Every [key path, value] of a parsed YAML document's strings. */
function strings(v: unknown, path = ''): [string, string][] {
  if (typeof v === 'string') return [[path, v]]
  if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${path}[${i}]`))
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => strings(x, path ? `${path}.${k}` : k))
  return []
}

describe('electron-builder.yml', () => {
  it('builds AppImage, deb and rpm on Linux, NSIS on Windows, dmg on macOS', () => {
    expect(builder.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb', 'rpm']))
    expect(builder.rpm.depends).toEqual(expect.arrayContaining(['gtk3', 'nss']))
    expect(builder.win.target).toContain('nsis')
    expect(builder.mac.target).toContain('dmg')
  })

  it('publishes to an update feed named by the environment (what electron-updater reads)', () => {
    expect(builder.publish).toMatchObject({
      provider: 'generic',
      url: '${env.KEYWARDEN_UPDATE_URL}',
    })
    // npm run dist says what is missing instead of failing inside electron-builder.
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.dist).toMatch(
      /KEYWARDEN_UPDATE_URL/,
    )
  })

  it('holds no signing secret: certificates, passwords and Apple ids come from the environment', () => {
    const secretKey = /password|secret|token|csc|certificate|apple|identity|key$/i
    for (const [path, value] of strings(builder)) {
      if (secretKey.test(path.split('.').pop()!)) {
        expect(value, path).toMatch(/^\$\{env\.[A-Z0-9_]+\}$/)
      }
      // Nothing that looks like a key or a base64 certificate.
      expect(value, path).not.toMatch(/[A-Za-z0-9+/=_-]{40,}/)
    }
    const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8')
    for (const env of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD']) {
      expect(text).not.toMatch(new RegExp(`${env}\\s*[:=]`))
    }
  })
})

describe('package.json dependencies', () => {
  // What the packaged app loads at run time: the main process, the preload and shared code.
  // The renderer is bundled by electron-vite, so what only it uses is a devDependency.
  const code = ['src/main', 'src/preload', 'src/shared']
    .flatMap(sources)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n')
  const imports = (name: string) =>
    new RegExp(
      `(?:from\\s*|\\(\\s*)['"]${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?:/[^'"]*)?['"]`,
    ).test(code)

  it.each(Object.keys(pkg.dependencies))(
    '%s is imported by main, preload or shared code',
    (name) => {
      expect(imports(name)).toBe(true)
    },
  )

  it('the renderer-only libraries stay devDependencies', () => {
    for (const name of ['react', 'react-dom', 'recharts', 'radix-ui', 'lucide-react', 'zustand']) {
      expect(pkg.devDependencies[name], name).toBeDefined()
      expect(pkg.dependencies[name], name).toBeUndefined()
    }
    expect(pkg.dependencies['electron-updater']).toBeDefined()
  })
})
