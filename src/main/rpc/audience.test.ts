import { describe, expect, it } from 'vitest'
import { AUDIENCES, channel, none } from '@shared/channels/channel'
import { composeChannels } from '@shared/channels/compose'
import { CHANNELS, contract } from '@shared/contract'
import { allows, registerChannels } from './audience'
import { dispatch } from './dispatch'
import type { Handlers } from './handlers'
import type { Actor } from '../services/context'
import { registerIpc } from '../ipc'

const user: Actor = { kind: 'account', accountId: 'acc-user', role: 'user' }
const admin: Actor = { kind: 'account', accountId: 'acc-admin', role: 'admin' }
const owner: Actor = { kind: 'account', accountId: 'acc-owner', role: 'owner' }

describe('channel audiences', () => {
  it('every contract channel declares who may call it', () => {
    const undeclared = CHANNELS.filter((c) => !AUDIENCES.includes(contract[c].audience))
    expect(undeclared).toEqual([])
    expect(CHANNELS.length).toBeGreaterThan(70)
  })

  it('refuses to register a channel that declares no audience, naming it', () => {
    const handlers = { 'a.declared': async () => 1, 'b.undeclared': async () => 2 }
    const bad = {
      'a.declared': channel(none).for('user').returns<number>(),
      'b.undeclared': { input: none, output: undefined as unknown as number },
    }
    expect(() => registerChannels(bad, handlers)).toThrow(/b\.undeclared declares no audience/)
    const bogus = { 'a.declared': { input: none, audience: 'anyone', output: 1 } }
    expect(() => registerChannels(bogus, { 'a.declared': handlers['a.declared'] })).toThrow(
      /a\.declared declares no audience/,
    )
  })

  it('refuses a channel without a handler and a handler without a channel', () => {
    const one = { 'a.one': channel(none).for('admin').returns<number>() }
    expect(() => registerChannels(one, {})).toThrow(/a\.one has no handler/)
    expect(() =>
      registerChannels(one, { 'a.one': async () => 1, 'z.extra': async () => 1 }),
    ).toThrow(/z\.extra answers no channel/)
  })

  it('is a type error to declare a channel without an audience', () => {
    // @ts-expect-error -- there is no `returns` before `for(audience)`
    expect(() => channel(none).returns<number>()).toThrow(TypeError)
  })

  it('admin channels admit the console, owners and admins; user and session channels any account', () => {
    const table: [Actor, Record<(typeof AUDIENCES)[number], boolean>][] = [
      [{ kind: 'console' }, { admin: true, user: true, session: true }],
      [owner, { admin: true, user: true, session: true }],
      [admin, { admin: true, user: true, session: true }],
      [user, { admin: false, user: true, session: true }],
      [{ kind: 'system' }, { admin: false, user: false, session: false }],
    ]
    for (const [actor, expected] of table) {
      const got = Object.fromEntries(AUDIENCES.map((a) => [a, allows(a, actor)]))
      expect(got, JSON.stringify(actor)).toEqual(expected)
    }
    expect(allows(undefined, { kind: 'console' })).toBe(false)
  })

  it('dispatch refuses before validating the input or running the handler', async () => {
    let ran = 0
    const handlers = { 'system.restore': async () => (ran += 1) } as unknown as Handlers
    const bad = await dispatch(handlers, 'system.restore', { nonsense: true }, { actor: user })
    expect(bad).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'system.restore is for admins of this installation' },
    })
    const good = await dispatch(handlers, 'system.restore', { name: 'x.db' }, { actor: user })
    expect(good).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(ran).toBe(0)
    const asAdmin = await dispatch(handlers, 'system.restore', { name: 'x.db' }, { actor: admin })
    expect(asAdmin).toEqual({ ok: true, data: 1 })
  })
})

describe('the desktop transport', () => {
  it('calls dispatch as the installation console, which admin channels admit', async () => {
    let rpc: ((...args: unknown[]) => Promise<unknown>) | undefined
    const ipcMain = {
      handle: (_name: string, fn: (...args: unknown[]) => Promise<unknown>) => void (rpc = fn),
      removeHandler: () => {},
    }
    const handlers = { 'system.backups': async () => [] } as unknown as Handlers
    registerIpc(
      ipcMain as never,
      handlers,
      () => true,
      () => {},
    )
    const event = { senderFrame: { url: 'app://keywarden/index.html' } }
    expect(await rpc!(event, 'system.backups', {})).toEqual({ ok: true, data: [] })
  })
})

describe('composing the contract', () => {
  const a = { 'x.one': channel(none).for('admin').returns<number>() }
  const b = {
    'x.one': channel(none).for('user').returns<string>(),
    'x.two': channel(none).for('user').returns<string>(),
  }
  const c = { 'x.three': channel(none).for('session').returns<string>() }

  it('joins disjoint channel maps', () => {
    const joined = composeChannels(a, c)
    expect(Object.keys(joined)).toEqual(['x.one', 'x.three'])
    expect(joined['x.one'].audience).toBe('admin')
  })

  it('refuses a channel name declared twice (a type error, and a start-up error naming it)', () => {
    // @ts-expect-error -- 'x.one' is declared by both maps
    expect(() => composeChannels(a, b)).toThrow('Console channel x.one is declared twice')
  })
})
