import { describe, expect, it } from 'vitest'
import {
  parseServeOptions,
  serveEnvNames,
  serveHelp,
  ServeOptionError,
  type ServeOptions,
} from './serve-options'
import { DEFAULT_PORT } from './http/server'

function options(argv: string[], env: NodeJS.ProcessEnv = {}): ServeOptions {
  const r = parseServeOptions(argv, env)
  if (r.help) throw new Error('help')
  return r.options
}

function failure(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseServeOptions(argv, env)
  } catch (e) {
    expect(e).toBeInstanceOf(ServeOptionError)
    return (e as Error).message
  }
  throw new Error('parsed')
}

describe('serve options', () => {
  it('reads every option from its environment variable alone', () => {
    const o = options([], {
      KEYWARDEN_PORT: '8080',
      KEYWARDEN_HOST: '0.0.0.0',
      KEYWARDEN_DATA: '/srv/kw',
      KEYWARDEN_DATABASE_URL: 'postgres://kw:pw@db/kw',
      KEYWARDEN_CONSOLE: '1',
      KEYWARDEN_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1',
      KEYWARDEN_ALLOWED_HOSTS: 'licenses.example.com',
      KEYWARDEN_CULL_INTERVAL: '0',
      KEYWARDEN_RESTORE: '/b/x.db',
      KEYWARDEN_BACKUP_KEY: 'k',
      KEYWARDEN_CONSOLE_TOKEN: 'old-name-token',
    })
    expect(o).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      data: '/srv/kw',
      database: 'postgres://kw:pw@db/kw',
      console: true,
      'trusted-proxy': ['10.0.0.0/8', '192.168.1.1'],
      'allowed-host': ['licenses.example.com'],
      'cull-interval': 0,
      restore: '/b/x.db',
      'backup-key': 'k',
      'setup-token': 'old-name-token',
    })
  })

  it('leaves options unset without flag or variable', () => {
    const o = options([])
    expect(o.port).toBeUndefined()
    expect(o.console).toBe(false)
    expect(o['trusted-proxy']).toEqual([])
  })

  it('lets a flag win over its variable', () => {
    const env = {
      KEYWARDEN_PORT: '8080',
      KEYWARDEN_TRUSTED_PROXIES: '10.0.0.1',
      KEYWARDEN_CONSOLE: '0',
      KEYWARDEN_SETUP_TOKEN: 'new',
      KEYWARDEN_CONSOLE_TOKEN: 'old',
    }
    const o = options(['--port', '9000', '--trusted-proxy', '10.0.0.2', '--console'], env)
    expect(o.port).toBe(9000)
    expect(o['trusted-proxy']).toEqual(['10.0.0.2'])
    expect(o.console).toBe(true)
    expect(o['setup-token']).toBe('new')
  })

  it('names the flag and its variable for a bad value', () => {
    expect(failure(['--port', 'abc'])).toBe(
      '--port / KEYWARDEN_PORT takes a whole number from 0 to 65535 (got abc)',
    )
    expect(failure([], { KEYWARDEN_PORT: '70000' })).toBe(
      '--port / KEYWARDEN_PORT takes a whole number from 0 to 65535 (got 70000)',
    )
    expect(failure([], { KEYWARDEN_CULL_INTERVAL: '-1' })).toMatch(
      /^--cull-interval \/ KEYWARDEN_CULL_INTERVAL takes a whole number of seconds, 0 or more/,
    )
    expect(failure(['--trusted-proxy', '10.0.0.1,nope'])).toBe(
      '--trusted-proxy / KEYWARDEN_TRUSTED_PROXIES takes an IP address or CIDR block (got nope)',
    )
    expect(failure([], { KEYWARDEN_ALLOWED_HOSTS: 'a.example:8080' })).toMatch(
      /^--allowed-host \/ KEYWARDEN_ALLOWED_HOSTS takes a host name without port/,
    )
    expect(failure([], { KEYWARDEN_CONSOLE: 'maybe' })).toBe(
      '--console / KEYWARDEN_CONSOLE takes 1 or 0 (got maybe)',
    )
  })

  it('never quotes a database password back', () => {
    const m = failure(['--database', 'mysql://kw:hunter2@db/kw'])
    expect(m).toMatch(/^--database \/ KEYWARDEN_DATABASE_URL takes a postgres:\/\/ URL/)
    expect(m).not.toContain('hunter2')
  })

  it('points an unknown flag, a stray argument or a missing value to --help', () => {
    expect(failure(['--x'])).toBe('unknown option --x (see --help)')
    expect(failure(['--prot', '1'])).toBe('unknown option --prot (see --help)')
    expect(failure(['serve'])).toBe('unexpected argument serve (see --help)')
    expect(failure(['--port'])).toBe('--port needs a value (see --help)')
  })

  it('reads backup schedules as durations', () => {
    expect(options(['--backup-interval', '6h'])['backup-interval']).toBe(6 * 3_600_000)
    expect(options([], { KEYWARDEN_BACKUP_INTERVAL: '90' })['backup-interval']).toBe(90 * 60_000)
    expect(
      options(['--backup-interval', '1d', '--backup-retention', '3'])['backup-retention'],
    ).toBe(3)
    expect(failure(['--backup-interval', '1m'])).toBe(
      '--backup-interval / KEYWARDEN_BACKUP_INTERVAL takes a duration such as 30m, 6h or 1d, from 5m to 366d (got 1m)',
    )
    expect(failure([], { KEYWARDEN_BACKUP_RETENTION: '0' })).toMatch(
      /^--backup-retention \/ KEYWARDEN_BACKUP_RETENTION takes a whole number from 1 to 1000/,
    )
  })

  it('lists every flag and variable in --help', () => {
    expect(parseServeOptions(['--help'], {})).toEqual({ help: true })
    const help = serveHelp()
    for (const name of serveEnvNames()) expect(help).toContain(`$${name}`)
    for (const flag of ['--port N', '--data DIR', '--console', '--trusted-proxy IP/CIDR']) {
      expect(help).toContain(flag)
    }
    expect(help).toContain(`default ${DEFAULT_PORT}`)
  })
})
