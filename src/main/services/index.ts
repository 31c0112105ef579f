import { EventEmitter } from 'node:events'
import type { Store } from '../db/connection'
import type { Clock, ServiceContext } from './context'
import { createEventsService } from './events'
import { createProductsService } from './products'
import { createLicensesService } from './licenses'
import { createLicenseBulkOps } from './licenses/bulk'
import { createLicenseMachineOps } from './licenses/machines'
import { createLicenseLifecycle } from './licenses/lifecycle'
import { createDashboardService } from './dashboard'
import { createBackupService } from './backup'
import { createTransferService } from './transfer'
import { createSettingsService } from './settings'
import { createAccountsService } from './accounts'
import { createStatsService } from './stats'
import { createNotificationsService } from './notifications'
import { createApiKeysService } from './apikeys'
import { createIdempotencyService } from './idempotency'
import { createStoreService } from './store'
import { createSellRealmService } from './store/sellrealm'
import { createVariablesService } from './variables'
import { createSecurityService } from './security'
import { createWebhooksService } from './webhooks'
import { createSessionsService } from './sessions'
import { createLicensingService } from './licensing'
import { createOpsService } from './ops'
import { createLicenseFilesService } from './license-files'
import { createReplayGuard } from './replay'
import { createDomainsService } from './domains'
import { createInjectablesService } from './injectables'
import { createProductPayment } from './products/payment'
import { createDevpayrService } from './devpayr'
import { createHirezService } from './hirez'
import { createSeatsService } from './seats'
import { createSecretBox } from '../crypto/seal'
import type { SettingsDto } from '@shared/accounts'

export interface ServicesOptions {
  store: Store
  dataDir: string
  clock?: Clock
}

/** The context every service is built from, over one store. */
export function createContext(opts: ServicesOptions): ServiceContext {
  const bus = new EventEmitter()
  bus.setMaxListeners(100)
  return {
    db: opts.store.db,
    tx: opts.store.tx,
    write: opts.store.write,
    changes: opts.store.changes,
    dataDir: opts.dataDir,
    secrets: createSecretBox(opts.dataDir),
    clock: opts.clock ?? (() => new Date()),
    bus,
  }
}

/**
 * Builds every service over one store. The single place where services are wired together;
 * no service reaches another except through what is passed in here.
 */
export function createServices(opts: ServicesOptions) {
  const ctx = createContext(opts)
  const bus = ctx.bus
  const events = createEventsService(ctx)
  const settings = createSettingsService(ctx)
  const products = createProductsService(ctx, { events, settings })
  const lifecycle = createLicenseLifecycle(ctx, { events })
  const licenses = createLicensesService(ctx, { events, products, lifecycle })
  const licenseBulk = createLicenseBulkOps(licenses)
  const licenseMachines = createLicenseMachineOps(ctx, { licenses })
  const dashboard = createDashboardService(ctx)
  const backup = createBackupService(ctx, { events })
  const transfer = createTransferService({ products, licenses })
  const accounts = createAccountsService(ctx, { events, settings })
  const stats = createStatsService(ctx, { products })
  const notifications = createNotificationsService(ctx)
  notifications.watch()
  const replay = createReplayGuard(ctx)
  const apiKeys = createApiKeysService(ctx, {
    events,
    products,
    replay,
    security: () => security,
  })
  const idempotency = createIdempotencyService(ctx)
  const store = createStoreService(ctx, { events, accounts, lifecycle })
  const variables = createVariablesService(ctx, { events, products, licenses })
  const security = createSecurityService(ctx, {
    events,
    products,
    licenses,
    neverBlock: settings.neverBlock,
  })
  const webhooks = createWebhooksService(ctx, { events, security })
  const sessions = createSessionsService(ctx)
  const licensing = createLicensingService(ctx, {
    events,
    sessions,
    replay,
    security: () => security,
  })
  const hirez = createHirezService(ctx, { events, products, licenses, licenseMachines })
  const seats = createSeatsService(ctx, { events, licenses })
  const licenseFiles = createLicenseFilesService(ctx, { licenses, licensing, events })
  // The client API's global limits are settings: applied at start (ready) and on every change.
  const applyClientSettings = (s: SettingsDto) =>
    licensing.configure({
      validatePerMinute: s.client_validate_per_minute,
      envelopeWindowMs: s.envelope_window_seconds * 1000,
    })
  settings.onChange(applyClientSettings)
  const sellrealm = createSellRealmService(ctx, {
    events,
    licensing,
    sessions,
    security,
    variables,
    lifecycle,
  })
  // DevPayr (issue 14): domain rules, injectables and payment state are product services any
  // protocol may use; the DevPayr service composes them with the engine.
  const domains = createDomainsService(ctx, { events, products })
  const injectables = createInjectablesService(ctx, { events, products })
  const payment = createProductPayment(ctx, { events, products })
  const devpayr = createDevpayrService(ctx, {
    events,
    products,
    licenses,
    licensing,
    domains,
    injectables,
    payment,
  })
  const ops = createOpsService(ctx, {
    store: opts.store,
    keysLoaded: () => licensing.publicKeyPem() !== null && licenseFiles.publicKeyPem() !== null,
  })
  return {
    /** Loads what the services read from settings; the runtime awaits it before serving. */
    ready: async () => {
      await licenseFiles.ready()
      applyClientSettings(await settings.get())
    },
    ctx,
    bus,
    events,
    products,
    licenses,
    lifecycle,
    licenseBulk,
    licenseMachines,
    dashboard,
    backup,
    transfer,
    settings,
    accounts,
    stats,
    notifications,
    apiKeys,
    idempotency,
    store,
    variables,
    security,
    sessions,
    licensing,
    seats,
    licenseFiles,
    sellrealm,
    webhooks,
    domains,
    injectables,
    payment,
    devpayr,
    hirez,
    ops,
  }
}

export type Services = ReturnType<typeof createServices>
