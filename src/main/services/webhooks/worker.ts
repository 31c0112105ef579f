import * as outbox from '../../db/repositories/deliveries'
import { clearExpiredPreviousSecrets } from '../../db/repositories/webhooks'
import { toEventDto } from '../../db/repositories/events'
import { uuid } from '../../crypto/random'
import type { ServiceContext } from '../context'
import { EVENT_PUSHED } from '../events'
import { WEBHOOK_ATTEMPT_FAILED } from '../ops'
import { MAX_ATTEMPTS, retryDelayMs } from './backoff'
import { webhookEventFor } from './mapping'
import { deliveryHeaders, send } from './send'
import { signingSecrets } from './secrets'
import type { TargetPolicy } from './target'

/** A claimed delivery is not picked up again before this (covers one send with its timeout). */
const LEASE_MS = 60_000
/** Deliveries sent at once per tick. */
const PARALLEL = 4
/** The longest the worker sleeps without looking (it is also woken by new events). */
const IDLE_MS = 30_000
/** Repeated blacklist hits of one entry from one client reach a webhook at most this often. */
const HIT_THROTTLE_MS = 60_000
/** Coalescing window for wake-ups caused by recorded events. */
const EVENT_DEBOUNCE_MS = 100
/** How often licenses are checked for having reached their expiry. */
const SWEEP_MS = 60_000

export interface WorkerDeps {
  /** The target policy for a webhook owned by an account of this role (null = installation). */
  policyFor(ownerRole: string | null): TargetPolicy
  /** Re-reads what policyFor depends on (an admin may change it at any time). */
  refreshPolicy?(): Promise<void>
  random?: () => number
}

/**
 * The webhook outbox worker: turns committed events into deliveries (through the outbox
 * cursor), sends due deliveries with retries, and announces licenses reaching expires_at.
 * `start()` / `stop()`; nothing runs before start or after stop.
 */
export function createWorker(ctx: ServiceContext, deps: WorkerDeps) {
  let running = false
  let timer: NodeJS.Timeout | null = null
  let sweepTimer: NodeJS.Timeout | null = null
  let ticking: Promise<void> | null = null
  let again = false
  const inflight = new Set<Promise<void>>()
  const aborter = { current: new AbortController() }
  const now = () => ctx.clock().toISOString()

  /**
   * A blocked client hammering the server records a blacklist_hit per request; its webhook
   * hears about the first, then at most one per entry and address per HIT_THROTTLE_MS (the
   * event log keeps every one). Without this an attacker could fill the outbox and flood
   * the vendor's endpoint.
   */
  const lastHit = new Map<string, number>()
  function repeatedHit(webhookId: string, e: ReturnType<typeof toEventDto>): boolean {
    if (e.type !== 'blacklist_hit') return false
    const key = `${webhookId}|${String(e.details.entry_id)}|${e.ip ?? ''}|${e.hwid ?? ''}`
    const t = Date.parse(e.created_at)
    const prev = lastHit.get(key)
    if (prev !== undefined && t - prev < HIT_THROTTLE_MS) return true
    lastHit.delete(key)
    lastHit.set(key, t)
    if (lastHit.size > 10_000) lastHit.delete(lastHit.keys().next().value as string)
    return false
  }

  /**
   * Moves events past the cursor into the outbox, atomically with the cursor, a batch per
   * transaction and a turn of the event loop between batches (a long backlog never stalls
   * the server).
   */
  async function drainEvents(): Promise<void> {
    // Only events whose every predecessor has committed (see outboxHorizon): read once, as
    // events recorded meanwhile are picked up by the next tick.
    const horizon = await outbox.eventHorizon(ctx.db)
    for (;;) {
      const moved = await ctx.tx(async (trx) => {
        // The cursor row stays locked until commit: another node's drain waits, then starts
        // from the cursor this one wrote.
        const cursor = (await outbox.readCursor(trx, true)) ?? 0
        const events = await outbox.eventsAfter(trx, cursor, 500, horizon)
        if (events.length === 0) return 0
        const hooks = (await outbox.activeWebhooks(trx)).map((h) => ({
          ...h,
          list: JSON.parse(h.events) as string[],
        }))
        const owners = new Map<string, string | null | undefined>()
        const t = now()
        for (const row of events) {
          const e = toEventDto(row)
          const name = webhookEventFor(e)
          if (!name) continue
          for (const h of hooks) {
            if (!h.list.includes(name)) continue
            if (repeatedHit(h.id, e)) continue
            // A `user` account's webhook hears only about its own products.
            if (h.owner_id && h.owner_role === 'user') {
              if (!e.product_id) continue
              if (!owners.has(e.product_id))
                owners.set(e.product_id, await outbox.productOwner(trx, e.product_id))
              if (owners.get(e.product_id) !== h.owner_id) continue
            }
            const id = uuid()
            const payload = JSON.stringify({
              id,
              event: name,
              created_at: e.created_at,
              data: {
                event_id: e.id,
                type: e.type,
                severity: e.severity,
                product_id: e.product_id,
                license_id: e.license_id,
                machine_id: e.machine_id,
                hwid: e.hwid,
                ip: e.ip,
                blocked: e.blocked,
                details: e.details,
              },
            })
            await outbox.enqueue(trx, {
              id,
              webhook_id: h.id,
              event_id: e.id,
              event_type: name,
              payload,
              created_at: t,
              next_attempt_at: t,
            })
          }
        }
        await outbox.writeCursor(trx, events[events.length - 1].id, t)
        return events.length
      })
      if (moved < 500 || !running) return
      await new Promise((r) => setImmediate(r))
    }
  }

  /** Sends one claimed delivery and records the outcome (retry, delivered or failed). */
  async function deliver(d: outbox.DueDelivery): Promise<void> {
    const at = ctx.clock().getTime()
    const headers = deliveryHeaders(
      {
        id: d.id,
        event: d.event_type,
        secrets: signingSecrets(ctx.secrets, d.webhook_id, d, at),
        body: d.payload,
      },
      at,
    )
    const r = await send(
      d.url,
      headers,
      d.payload,
      deps.policyFor(d.owner_role),
      aborter.current.signal,
    )
    const attempts = d.attempts + 1
    const giveUp = !r.ok && attempts >= MAX_ATTEMPTS
    if (!r.ok) ctx.bus.emit(WEBHOOK_ATTEMPT_FAILED, giveUp)
    await outbox.recordAttempt(ctx.db, {
      id: d.id,
      lease: d.lease,
      status: r.ok ? 'delivered' : giveUp ? 'failed' : 'pending',
      nextAttemptAt:
        r.ok || giveUp
          ? null
          : new Date(ctx.clock().getTime() + retryDelayMs(attempts, deps.random)).toISOString(),
      statusCode: r.statusCode,
      responseMs: r.responseMs,
      error: r.error,
      now: now(),
    })
  }

  async function tickOnce(): Promise<void> {
    await deps.refreshPolicy?.()
    await drainEvents()
    for (;;) {
      const leaseUntil = new Date(ctx.clock().getTime() + LEASE_MS).toISOString()
      const t = now()
      const due = await ctx.tx((trx) => outbox.claimDue(trx, t, leaseUntil, PARALLEL))
      if (due.length === 0) break
      await Promise.all(
        due.map((d) => {
          const p = deliver(d).finally(() => inflight.delete(p))
          inflight.add(p)
          return p
        }),
      )
      if (!running) break
    }
  }

  async function schedule(): Promise<void> {
    if (!running) return
    let next: string | null = null
    try {
      next = await outbox.nextDueAt(ctx.db)
    } catch {
      // A database closing or broken underneath: look again after the idle wait, never throw
      // out of a timer (that would end the process with a stack trace).
    }
    if (!running) return
    if (timer) clearTimeout(timer)
    const wait =
      next === null
        ? IDLE_MS
        : Math.min(IDLE_MS, Math.max(0, Date.parse(next) - ctx.clock().getTime()))
    timer = setTimeout(() => void kick(), wait)
    timer.unref?.()
  }

  /** Runs a tick now (or right after the current one); resolves when it is done. */
  function kick(): Promise<void> {
    if (!running) return Promise.resolve()
    if (ticking) {
      again = true
      return ticking
    }
    ticking = (async () => {
      try {
        do {
          again = false
          await tickOnce()
        } while (again && running)
      } catch {
        // A locked or closing database: try again at the next tick.
      } finally {
        ticking = null
        await schedule()
      }
    })()
    return ticking
  }

  /**
   * Announces every license that reached its expiry and was not announced yet: claim, event
   * row and (after commit) the live push, exactly once per license and expiry date.
   */
  async function sweepExpired(): Promise<number> {
    const t = now()
    const events = await ctx.tx(async (trx) => {
      const out = []
      for (const l of await outbox.claimExpiredLicenses(trx, t, 500)) {
        const row = {
          type: 'license.expired',
          severity: 'low' as const,
          product_id: l.product_id,
          license_id: l.id,
          machine_id: null,
          hwid: null,
          ip: null,
          user_agent: null,
          details: JSON.stringify({ key_prefix: l.key.slice(0, 4), expires_at: l.expires_at }),
          blocked: 0,
          created_at: t,
        }
        out.push(toEventDto({ ...row, id: await outbox.insertEvent(trx, row) }))
      }
      return out
    })
    for (const e of events) ctx.bus.emit(EVENT_PUSHED, e)
    return events.length
  }

  // Bursts of events (a load test records thousands per second) wake the worker once per
  // EVENT_DEBOUNCE_MS, not once per event: each wake is a write transaction (the cursor).
  let wake: NodeJS.Timeout | null = null
  const onEvent = () => {
    if (!running || wake) return
    wake = setTimeout(() => {
      wake = null
      void kick()
    }, EVENT_DEBOUNCE_MS)
    wake.unref?.()
  }

  return {
    async start(): Promise<void> {
      if (running) return
      running = true
      aborter.current = new AbortController()
      // A new installation starts after its history: only what happens from now on is sent.
      // In one transaction with the cursor locked: a second node starting at once keeps it.
      await ctx.tx(async (trx) => {
        if ((await outbox.readCursor(trx, true)) === null)
          await outbox.writeCursor(trx, await outbox.maxEventId(trx), now())
      })
      ctx.bus.on(EVENT_PUSHED, onEvent)
      await sweepExpired()
      sweepTimer = setInterval(() => {
        // retried at the next interval
        sweepExpired().catch(() => {})
        // A rotated-out secret is never used after its overlap (signingSecrets checks the
        // time); this only stops keeping it, sealed, longer than needed.
        clearExpiredPreviousSecrets(ctx.db, now()).catch(() => {})
      }, SWEEP_MS)
      sweepTimer.unref?.()
      void kick()
    },

    /** Stops timers and listeners; in-flight sends are aborted (their lease retries them). */
    async stop(): Promise<void> {
      if (!running) return
      running = false
      ctx.bus.off(EVENT_PUSHED, onEvent)
      if (timer) clearTimeout(timer)
      if (wake) clearTimeout(wake)
      if (sweepTimer) clearInterval(sweepTimer)
      timer = sweepTimer = wake = null
      aborter.current.abort()
      await Promise.allSettled([...inflight])
      if (ticking) await ticking.catch(() => {})
    },

    kick,
    sweepExpired,
    get running() {
      return running
    },
  }
}

export type Worker = ReturnType<typeof createWorker>
