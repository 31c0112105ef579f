// Some registries (a mirror that carries only the Linux builds, for one) answer 404 for
// tailwind's other platform binaries; `npm install` then silently leaves them out of
// package-lock.json and `npm ci` refuses the lock as out of sync. This adds the missing
// optional platform entries (version, os, cpu; never fetched on other platforms) back.
// Run after `npm install` changes the lock: node scripts/lock-optional-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const PLATFORMS = {
  'android-arm64': [['android'], ['arm64']],
  'darwin-arm64': [['darwin'], ['arm64']],
  'darwin-x64': [['darwin'], ['x64']],
  'freebsd-x64': [['freebsd'], ['x64']],
  'linux-arm-gnueabihf': [['linux'], ['arm']],
  'linux-arm64-gnu': [['linux'], ['arm64']],
  'linux-arm64-musl': [['linux'], ['arm64']],
  'linux-x64-gnu': [['linux'], ['x64']],
  'linux-x64-musl': [['linux'], ['x64']],
  'wasm32-wasi': [null, ['wasm32']],
  'win32-arm64-msvc': [['win32'], ['arm64']],
  'win32-x64-msvc': [['win32'], ['x64']],
}

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const added = []
for (const meta of Object.values(lock.packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`
    const platform = PLATFORMS[dep.replace(/^@tailwindcss\/oxide-/, '')]
    if (lock.packages[key] || !dep.startsWith('@tailwindcss/oxide-') || !platform) continue
    const [os, cpu] = platform
    lock.packages[key] = {
      version,
      ...(meta.dev && { dev: true }),
      license: 'MIT',
      optional: true,
      cpu,
      ...(os && { os }),
    }
    added.push(dep)
  }
}
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
console.log(added.length ? `added ${added.join(', ')}` : 'lock already complete')
