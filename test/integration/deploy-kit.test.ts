import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_PORT } from '../../src/main/http/server'
import { parseServeOptions, serveEnvNames } from '../../src/main/serve-options'
import { ROOT } from '../helpers/processes'

// No container engine or hadolint here: the deployment files are checked for what they promise.
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8')
const dockerfile = read('Dockerfile')
const compose = read('docker-compose.yml')
const unit = read('deploy/keywarden.service')

/** Dockerfile instructions (comments dropped, continuation lines joined). */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/)
      return { op: op.toUpperCase(), args: rest.join(' ') }
    })
}
const steps = instructions(dockerfile)
const finalStage = steps.slice(steps.findLastIndex((s) => s.op === 'FROM'))

/** `KEY=value` lines of a systemd section. */
function unitValues(key: string): string[] {
  return unit
    .split('\n')
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1))
}

describe('Dockerfile', () => {
  it('builds in one stage and runs another, as a user that is not root', () => {
    const froms = steps.filter((s) => s.op === 'FROM')
    expect(froms.length).toBeGreaterThanOrEqual(2)
    expect(froms[0].args).toMatch(/ AS build$/i)
    expect(steps.some((s) => s.op === 'RUN' && /npm ci/.test(s.args))).toBe(true)
    expect(finalStage.some((s) => s.op === 'COPY' && /--from=build .*out/.test(s.args))).toBe(true)
    const users = finalStage.filter((s) => s.op === 'USER')
    expect(users.length).toBeGreaterThan(0)
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/)
  })

  it('keeps data in the /data volume and listens on every address, on the default port', () => {
    expect(finalStage.find((s) => s.op === 'VOLUME')?.args).toBe('/data')
    const env = finalStage
      .filter((s) => s.op === 'ENV')
      .map((s) => s.args)
      .join(' ')
    expect(env).toContain('KEYWARDEN_DATA=/data')
    expect(env).toContain('KEYWARDEN_HOST=0.0.0.0')
    expect(finalStage.find((s) => s.op === 'EXPOSE')?.args).toBe(String(DEFAULT_PORT))
  })

  it('checks its health on /api/ready', () => {
    const hc = finalStage.find((s) => s.op === 'HEALTHCHECK')
    expect(hc?.args).toMatch(/CMD .*\/api\/ready/)
  })

  it('starts with the command README’s Deploy section gives', () => {
    const readme = read('README.md')
    const deploy = readme.slice(readme.indexOf('\n## Deploy\n'))
    const start = /```sh\n# start\n(.+)\n```/.exec(deploy)![1].trim()
    const cmd = JSON.parse(finalStage.find((s) => s.op === 'CMD')!.args) as string[]
    expect(cmd.join(' ')).toBe(start)
  })
})

describe('the deployment files name only options the server knows', () => {
  const known = new Set(serveEnvNames())
  for (const [name, text] of [
    ['Dockerfile', dockerfile],
    ['docker-compose.yml', compose],
    ['deploy/keywarden.service', unit],
  ]) {
    it(`every KEYWARDEN_* name in ${name}`, () => {
      const used = [...new Set(text.match(/KEYWARDEN_[A-Z_]+/g) ?? [])]
      expect(used.length).toBeGreaterThan(0)
      expect(used.filter((n) => !known.has(n))).toEqual([])
    })
  }

  it('compose runs Keywarden on the PostgreSQL service, with a data volume', () => {
    expect(compose).toMatch(/KEYWARDEN_DATABASE_URL: postgres:\/\/[^@]+@postgres:5432\//)
    expect(compose).toMatch(/- keywarden-data:\/data/)
  })
})

describe('systemd unit', () => {
  it('starts the built entry with flags the server parses', () => {
    const [exec] = unitValues('ExecStart')
    const [node, entry, ...flags] = exec.split(/\s+/)
    expect(node).toMatch(/\/node$/)
    expect(entry).toMatch(/out\/main\/headless\.js$/)
    const r = parseServeOptions(flags, {})
    expect(r.help).toBe(false)
    if (!r.help)
      expect(r.options.data).toBe(unitValues('StateDirectory').map((d) => `/var/lib/${d}`)[0])
  })

  it('is hardened', () => {
    for (const [key, value] of [
      ['ProtectSystem', 'strict'],
      ['ProtectHome', 'yes'],
      ['PrivateTmp', 'yes'],
      ['NoNewPrivileges', 'yes'],
      ['CapabilityBoundingSet', ''],
      ['SystemCallFilter', '@system-service'],
      ['RestrictAddressFamilies', 'AF_INET AF_INET6 AF_UNIX'],
      ['ReadWritePaths', '/var/lib/keywarden'],
    ]) {
      expect(unitValues(key), key).toContain(value)
    }
    expect(unitValues('DynamicUser').concat(unitValues('User')).length).toBeGreaterThan(0)
  })
})
