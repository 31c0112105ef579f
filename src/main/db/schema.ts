import type { Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { LicenseStatus, LicenseType, Severity } from '@shared/dto'

/**
 * The whole store, one interface per table. Times are UTC ISO-8601 strings
 * (`2025-01-01T00:00:00.000Z`), booleans are 0/1 integers, JSON columns are TEXT.
 * Money is integer cents. Secrets the server must read back (product secret keys, the
 * SellRealm secrets) are stored as they are and looked up by their SHA-256 (`*_hash`);
 * secrets it only needs to recognise (passwords, session tokens, API keys) are stored
 * hashed only.
 */
export interface Database {
  accounts: AccountsTable
  settings: SettingsTable
  products: ProductsTable
  licenses: LicensesTable
  machines: MachinesTable
  sessions: SessionsTable
  variables: VariablesTable
  events: EventsTable
  notifications: NotificationsTable
  blacklist: BlacklistTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  api_keys: ApiKeysTable
  idempotency_keys: IdempotencyKeysTable
  replay_guard: ReplayGuardTable
  customers: CustomersTable
  orders: OrdersTable
  console_sessions: ConsoleSessionsTable
  change_versions: ChangeVersionsTable
  license_rows_version: LicenseRowsVersionTable
  counters: CountersTable
  window_members: WindowMembersTable
  product_domains: ProductDomainsTable
  product_injectables: ProductInjectablesTable
  hirez_developers: HirezDevelopersTable
  hirez_sessions: HirezSessionsTable
  signing_keys: SigningKeysTable
  license_files: LicenseFilesTable
  signatures: SignaturesTable
}

export type Role = 'owner' | 'admin' | 'user'
// One definition each, in src/shared/dto.ts (the wire's); the columns store the same values.
export type { LicenseStatus, LicenseType, Severity } from '@shared/dto'

export interface AccountsTable {
  id: string
  email: string
  display_name: string
  password_hash: string
  role: Role
  is_active: number
  /** Bumped to invalidate every token issued before (deactivation, password change). */
  token_version: Generated<number>
  /** SellRealm License API secret (48 chars) and its SHA-256 for lookup. */
  auth_secret: string
  auth_secret_hash: string
  /** SellRealm Store API secret (48 chars) and its SHA-256 for lookup. */
  store_secret: string
  store_secret_hash: string
  created_at: string
  updated_at: string
  last_login_at: string | null
}

export interface SettingsTable {
  key: string
  /** JSON */
  value: string
  updated_at: string
}

export interface ProductsTable {
  id: string
  /** Stable integer id for protocols that use integers (SellRealm `product_id`). */
  num: Generated<number>
  owner_id: string | null
  name: string
  description: string
  secret_key: string
  secret_key_hash: string
  is_active: number
  price_cents: number
  currency: string
  /** null = unlimited */
  stock: number | null
  /** JSON: defaults for new licenses ({ type, max_uses, duration_days, hwid_locked, level }) */
  license_defaults: string
  /** JSON: per-product policy (session length, heartbeat, rate limits, indicator policy) */
  policy: string
  /** Payment state (DevPayr's `has_paid`, 0007): set by an update or when an order is paid. */
  has_paid: Generated<number>
  created_at: string
  updated_at: string
}

export interface LicensesTable {
  /** Integer id for protocols that use integers (SellRealm `key_id`); rowid alias. */
  num: Generated<number>
  id: string
  product_id: string
  key: string
  type: LicenseType
  status: LicenseStatus
  level: number
  max_uses: number
  hwid_locked: number
  /** Concurrent session limit; null = no limit beyond max_uses. */
  max_sessions: number | null
  expires_at: string | null
  /** JSON object */
  metadata: string
  notes: string
  status_reason: string | null
  customer_id: string | null
  order_id: string | null
  /** Set once the license.expired event was emitted (exactly once, across restarts). */
  expired_notified_at: string | null
  /** A display title (DevPayr's license `title`, 0007). */
  title: string | null
  /** `production`, `staging`, `test` or `development` (0007): which domains it may run on. */
  environment: Generated<string>
  /** JSON of the seat-policy fields this license overrides (null: its product's policy). */
  policy: string | null
  created_at: string
  updated_at: string
}

/** A machine's seat (migration 0009): held, freed by culling (resurrectable), or not watched. */
export type SeatState = 'held' | 'freed'

export interface MachinesTable {
  id: string
  license_id: string
  hwid: string
  name: string | null
  platform: string | null
  os_version: string | null
  ip: string | null
  first_seen_at: string
  last_seen_at: string
  last_heartbeat_at: string | null
  /** The environment the machine last ran in (DevPayr runtime checks, 0007). */
  environment: string | null
  /** The app version it last activated with (client data, 0014). */
  app_version: string | null
  seat: SeatState | null
  /** When a held seat is dead unless a heartbeat comes first (null: never). */
  seat_dead_at: string | null
  /** When a freed seat's resurrection window closes. */
  seat_bury_at: string | null
}

export interface SessionsTable {
  id: string
  license_id: string
  machine_id: string | null
  /** SHA-256 of the bearer token; the token itself is only ever in the client's hands. */
  token_hash: string
  /** Current nonce for protocols that rotate one per check (SellRealm). */
  nonce: string | null
  protocol: string
  hwid: string | null
  ip: string | null
  user_agent: string | null
  created_at: string
  expires_at: string
  last_seen_at: string
  revoked_at: string | null
  revoked_reason: string | null
}

export interface VariablesTable {
  id: string
  product_id: string | null
  license_id: string | null
  name: string
  type: 'string' | 'boolean' | 'file'
  /** string value, 'true'/'false' for booleans, file name for files */
  value: string
  file_data: Uint8Array | null
  size: number
  created_at: string
  updated_at: string
}

export interface EventsTable {
  id: Generated<number>
  type: string
  severity: Severity
  product_id: string | null
  license_id: string | null
  machine_id: string | null
  hwid: string | null
  ip: string | null
  user_agent: string | null
  /** JSON object */
  details: string
  blocked: number
  created_at: string
}

export interface NotificationsTable {
  id: string
  account_id: string | null
  type: string
  title: string
  message: string
  is_read: number
  created_at: string
}

export interface BlacklistTable {
  id: string
  type: 'ip' | 'hwid' | 'license' | 'fingerprint'
  value: string
  reason: string
  severity: Exclude<Severity, 'info'>
  is_active: number
  expires_at: string | null
  created_by: string | null
  /** `manual` (an admin's entry) or `detection` (a temporary block from brute-force detection). */
  source: Generated<'manual' | 'detection'>
  created_at: string
}

export interface WebhooksTable {
  id: string
  owner_id: string | null
  url: string
  /** JSON string[] */
  events: string
  secret: string
  /** The secret a rotation replaced (sealed), still signing until previous_secret_expires_at. */
  previous_secret: string | null
  previous_secret_expires_at: string | null
  is_active: number
  created_at: string
  updated_at: string
}

export interface WebhookDeliveriesTable {
  id: string
  webhook_id: string
  /** The event this delivery carries (null for test sends); unique per webhook. */
  event_id: number | null
  event_type: string
  /** The exact body sent (and signed). */
  payload: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  next_attempt_at: string | null
  last_status_code: number | null
  last_response_ms: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

export interface ApiKeysTable {
  id: string
  /** The account the key acts as; null = the installation owner (created in the desktop console). */
  account_id: string | null
  name: string
  /** Visible prefix of the key, e.g. `kw_live_ab12cd` */
  prefix: string
  key_hash: string
  /** Signing secret, sealed with the installation's master key (AES-256-GCM). */
  secret_sealed: string
  /** JSON string[] */
  scopes: string
  product_id: string | null
  require_signature: number
  /** JSON string[] of IPs / CIDRs; empty = any */
  ip_allowlist: string
  expires_at: string | null
  last_used_at: string | null
  last_used_ip: string | null
  revoked_at: string | null
  created_at: string
}

export interface IdempotencyKeysTable {
  /** Who sent it (account or API key id): keys are per caller. */
  scope: string
  key: string
  request_hash: string
  status_code: number | null
  response_body: string | null
  created_at: string
}

/** One-time values (envelope signatures, nonces, request signatures) seen recently. */
/** One-time values already used, until they stop mattering (see repositories/replay). */
export interface ReplayGuardTable {
  /** ms since the epoch, derived from the value's own timestamp or expiry */
  until: number
  /** first 16 bytes of SHA-256(kind ‖ NUL ‖ value) */
  digest: Buffer
}

export interface CustomersTable {
  id: string
  owner_id: string | null
  email: string
  name: string | null
  /** The vendor's notes on this customer (0014). */
  notes: Generated<string>
  created_at: string
}

export interface OrdersTable {
  id: string
  num: Generated<number>
  owner_id: string | null
  customer_id: string
  product_id: string
  quantity: number
  amount_cents: number
  currency: string
  status: 'pending' | 'paid' | 'refunded' | 'cancelled'
  payment_ref: string | null
  created_at: string
  updated_at: string
  paid_at: string | null
  refunded_at: string | null
}

export type Account = Selectable<AccountsTable>
export type NewAccount = Insertable<AccountsTable>
export type Product = Selectable<ProductsTable>
export type NewProduct = Insertable<ProductsTable>
export type ProductUpdate = Updateable<ProductsTable>
export type License = Selectable<LicensesTable>
export type NewLicense = Insertable<LicensesTable>
export type LicenseUpdate = Updateable<LicensesTable>
export type Machine = Selectable<MachinesTable>
export type Session = Selectable<SessionsTable>
export type EventRow = Selectable<EventsTable>
export type NewEvent = Insertable<EventsTable>
export type ApiKey = Selectable<ApiKeysTable>
export type NewApiKey = Insertable<ApiKeysTable>

/** Web-console logins (0006): shared by every node, so a logout or revocation ends it everywhere. */
export interface ConsoleSessionsTable {
  /** SHA-256 of the cookie's token: a leaked database row cannot be replayed as a cookie. */
  token_hash: string
  csrf: string
  /** The Actor as JSON. */
  actor: string
  /** The account's id for "log this account out everywhere" (null for the setup token). */
  account_id: string | null
  created_at: string
  expires_at: string
  last_seen_at: string
}

/** One version per cached topic (0006), bumped in the transaction that changes it. */
export interface ChangeVersionsTable {
  topic: string
  version: number
}

/** One row (id 1) on SQLite, moved by triggers on licenses and products (migration 0015). */
export interface LicenseRowsVersionTable {
  id: number
  version: number
}

/** Fixed-window hit counters shared by every node (0006). `window_start` is ISO text. */
export interface CountersTable {
  key: string
  window_start: string
  n: number
  expires_at: string
}

/** Distinct members seen per key within a sliding window (0006): brute-force detection. */
export interface WindowMembersTable {
  key: string
  member: string
  seen_at: string
  expires_at: string
}

/** A product's domain rule (0007): an exact identifier or a `*.example.com` wildcard. */
export interface ProductDomainsTable {
  id: string
  product_id: string
  domain: string
  environment: string
  is_active: number
  is_primary: number
  created_at: string
  updated_at: string
}

/**
 * An injectable (0007): content delivered to running software, stored only encrypted (the wire
 * form: Base64(IV ‖ '::' ‖ Base64(AES-256-CBC))), with its signature and plaintext hash; the
 * secret that encrypts it is sealed under master.key.
 */
export interface ProductInjectablesTable {
  id: string
  product_id: string
  title: string
  slug: string
  type: string
  mode: 'append' | 'prepend' | 'replace'
  target_path: string | null
  content: string
  signature: string
  content_hash: string
  secret_sealed: string
  only_if_paid: number
  is_active: number
  created_at: string
  updated_at: string
}

export type ProductDomain = Selectable<ProductDomainsTable>
export type ProductInjectable = Selectable<ProductInjectablesTable>
/** A Hi-Rez-style developer credential (migration 0008). */
export interface HirezDevelopersTable {
  /** The 4-digit integer clients send as devId. */
  dev_id: number
  /** The account the credential acts as; null = the installation owner. */
  account_id: string | null
  name: string
  /** The 32-hex auth key, sealed with the master key (sealedAad.hirezAuthKey). */
  auth_key_sealed: string
  /** JSON string[]: product ids the credential may touch; empty = all of its account's. */
  product_ids: string
  max_concurrent_sessions: number
  max_daily_sessions: number
  session_minutes: number
  max_daily_requests: number
  /** Licenses `createlicenses` may mint in total, and how many it has. */
  license_allotment: number
  licenses_created: number
  created_at: string
  updated_at: string
  rekeyed_at: string | null
  revoked_at: string | null
  last_used_at: string | null
}

/** A Hi-Rez session: SHA-256 of its id, ending at `expires_at` or on revoke. */
export interface HirezSessionsTable {
  id_hash: string
  dev_id: number
  created_at: string
  expires_at: string
  revoked_at: string | null
}

export type HirezDeveloper = Selectable<HirezDevelopersTable>
/** The public half of a server signing key, by algorithm (0010). */
export interface SigningKeysTable {
  alg: string
  public_pem: string
  created_at: string
}

/** One checked-out license file (0010); the file itself is not kept. */
export interface LicenseFilesTable {
  id: string
  license_id: string
  product_id: string
  /** The machine the file is bound to, or null for a license-wide file. */
  machine_fingerprint: string | null
  /** 'base64+ed25519' | 'aes-256-gcm+ed25519' */
  alg: string
  issued_at: string
  expires_at: string
  /** 'api' | 'client' | 'console' | 'request' (air-gapped) */
  source: string
  revoked_at: string | null
  revoked_reason: string | null
}

/** Signatures of repeating answers shared by the processes serving the database (0012). */
export interface SignaturesTable {
  /** Hex SHA-256 of the signed string. */
  digest: string
  signature: string
  expires_at: string
}
