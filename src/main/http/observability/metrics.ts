import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { FastifyInstance } from 'fastify'
import { DomainError } from '@shared/errors'
import type { Services } from '../../services'
import { LICENSE_VALIDATED, WEBHOOK_ATTEMPT_FAILED } from '../../services/ops'
import { safeEqual } from '../../crypto/random'
import { surfaceOf } from '../errors'

export interface MetricsOptions {
  enabled: boolean
  /** Lets a remote scraper in with `Authorization: Bearer <token>`; loopback needs none. */
  token?: string
}

/** Every metric this server exports, on its own registry (several servers in one process). */
function createMetrics(services: Services) {
  const register = new Registry()
  collectDefaultMetrics({ register })
  const labelNames = ['method', 'route', 'status_class', 'protocol'] as const
  const requests = new Counter({
    name: 'keywarden_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method, status class and protocol',
    labelNames,
    registers: [register],
  })
  const duration = new Histogram({
    name: 'keywarden_http_request_duration_seconds',
    help: 'HTTP response time in seconds, by route pattern, method, status class and protocol',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  })
  const validations = new Counter({
    name: 'keywarden_license_validations_total',
    help: "License validations by outcome ('valid' or the refusal's error code), every protocol",
    labelNames: ['outcome'],
    registers: [register],
  })
  const webhookFailures = new Counter({
    name: 'keywarden_webhook_attempt_failures_total',
    help: 'Webhook delivery attempts that failed, by whether the delivery was then given up',
    labelNames: ['gave_up'],
    registers: [register],
  })
  const batches = new Histogram({
    name: 'keywarden_group_commit_batch_size',
    help: 'Transactions committed together in one SQLite COMMIT (group commit)',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [register],
  })
  // Read at scrape time: a few count queries, nothing kept up to date on the hot path.
  const gauge = (name: string, help: string, read: (g: Gauge) => Promise<void> | void) =>
    new Gauge({
      name,
      help,
      registers: [register],
      async collect() {
        await read(this)
      },
    })
  let gauges: Promise<Awaited<ReturnType<Services['ops']['gauges']>>> | null = null
  const readGauges = () => (gauges ??= services.ops.gauges().finally(() => (gauges = null)))
  gauge(
    'keywarden_active_sessions',
    'Client sessions alive now (not revoked, not expired)',
    async (g) => g.set((await readGauges()).activeSessions),
  )
  gauge('keywarden_webhook_queue_depth', 'Webhook deliveries waiting to be sent', async (g) =>
    g.set((await readGauges()).webhooksPending),
  )
  gauge('keywarden_webhook_deliveries_failed', 'Webhook deliveries given up on', async (g) =>
    g.set((await readGauges()).webhooksFailed),
  )
  if (services.ops.dialect === 'postgres') {
    new Gauge({
      name: 'keywarden_pg_pool_connections',
      help: 'PostgreSQL pool connections: total open, idle, clients waiting for one',
      labelNames: ['state'],
      registers: [register],
      collect() {
        const s = services.ops.poolStats()
        this.set({ state: 'total' }, s.connections)
        this.set({ state: 'idle' }, s.idle)
        this.set({ state: 'waiting' }, s.waiting)
      },
    })
  } else {
    gauge('keywarden_sqlite_wal_bytes', 'Size of the SQLite write-ahead log file', (g) =>
      g.set(services.ops.poolStats().wal_bytes),
    )
  }

  const onValidation = (outcome: string) => validations.inc({ outcome })
  const onWebhookFailure = (gaveUp: boolean) => webhookFailures.inc({ gave_up: String(gaveUp) })
  services.bus.on(LICENSE_VALIDATED, onValidation)
  services.bus.on(WEBHOOK_ATTEMPT_FAILED, onWebhookFailure)
  const stopBatches = services.ops.onCommitBatch((size) => batches.observe(size))
  return {
    register,
    observe(labels: Record<(typeof labelNames)[number], string>, seconds: number) {
      requests.inc(labels)
      duration.observe(labels, seconds)
    },
    stop() {
      services.bus.off(LICENSE_VALIDATED, onValidation)
      services.bus.off(WEBHOOK_ATTEMPT_FAILED, onWebhookFailure)
      stopBatches()
    },
  }
}

/** `Authorization: Bearer <token>` against the configured token, compared in constant time. */
function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false
  return safeEqual(header.slice(7).trim(), token)
}

/**
 * GET /metrics (Prometheus text format), only when enabled: answered to this machine (the
 * trust model's local decision) or to a caller with the metrics token; 401 for a missing or
 * wrong token, 403 for a remote caller when no token is configured. Off: no route, a 404.
 */
export function registerMetrics(
  app: FastifyInstance,
  services: Services,
  opts: MetricsOptions | undefined,
): void {
  if (!opts?.enabled) return
  const metrics = createMetrics(services)
  app.addHook('onClose', async () => metrics.stop())
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(
      {
        method: req.method,
        route: req.routeOptions.url ?? '(unmatched)',
        status_class: `${Math.floor(reply.statusCode / 100)}xx`,
        protocol: surfaceOf(req.raw.url ?? req.url),
      },
      reply.elapsedTime / 1000,
    )
  })
  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { hide: true } },
    async (req, reply) => {
      if (!req.origin.isLocal && !bearerMatches(req.headers.authorization, opts.token)) {
        if (!opts.token)
          throw new DomainError('FORBIDDEN', 'Metrics are answered on this machine only')
        void reply.header('WWW-Authenticate', 'Bearer')
        throw new DomainError('UNAUTHORIZED', 'A valid metrics token is required')
      }
      void reply.type(metrics.register.contentType)
      return metrics.register.metrics()
    },
  )
}
