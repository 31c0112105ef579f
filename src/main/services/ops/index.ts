import type { Store } from '../../db/connection'
import { migrations } from '../../db/migrations'
import * as repo from '../../db/repositories/ops'
import { countActiveSessions } from '../../db/repositories/security'
import { nowIso, type ServiceContext } from '../context'

export type CheckResult = 'ok' | 'fail'

export interface Readiness {
  ready: boolean
  checks: { database: CheckResult; migrations: CheckResult; keys: CheckResult }
}

/** Emitted on the bus with a validation's outcome ('valid' or the refusal's error code). */
export const LICENSE_VALIDATED = 'license.validated'
/** Emitted on the bus when a webhook delivery attempt fails (it is retried or given up). */
export const WEBHOOK_ATTEMPT_FAILED = 'webhook.attempt_failed'

/**
 * What an operator asks of a running server: is it ready (database answers, schema at the
 * latest migration, key pairs loaded), and the figures /metrics reads at scrape time.
 */
export function createOpsService(
  ctx: ServiceContext,
  deps: { store: Store; keysLoaded: () => boolean },
) {
  const latest = Object.keys(migrations)
  return {
    async readiness(): Promise<Readiness> {
      let database: CheckResult = 'ok'
      // Unknown without a database answering: reported as failed with it.
      let migrated: CheckResult = 'fail'
      try {
        await repo.ping(ctx.db)
        const applied = new Set(await repo.appliedMigrations(ctx.db))
        if (latest.every((name) => applied.has(name))) migrated = 'ok'
      } catch {
        database = 'fail'
      }
      const checks = { database, migrations: migrated, keys: deps.keysLoaded() ? 'ok' : 'fail' }
      return {
        ready: Object.values(checks).every((c) => c === 'ok'),
        checks: checks as Readiness['checks'],
      }
    },

    /** Sessions alive now and the webhook queue, read with two cheap count queries. */
    async gauges(): Promise<{
      activeSessions: number
      webhooksPending: number
      webhooksFailed: number
    }> {
      const [activeSessions, deliveries] = await Promise.all([
        countActiveSessions(ctx.db, nowIso(ctx)),
        repo.deliveryCounts(ctx.db),
      ])
      return {
        activeSessions,
        webhooksPending: deliveries.pending,
        webhooksFailed: deliveries.failed,
      }
    },

    poolStats: () => deps.store.poolStats(),
    dialect: deps.store.dialect,
    onCommitBatch: (listener: (size: number) => void) => deps.store.onCommitBatch(listener),
  }
}

export type OpsService = ReturnType<typeof createOpsService>
