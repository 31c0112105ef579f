import type { Migration } from 'kysely/migration'
import { sql, type Kysely } from 'kysely'

/**
 * The first schema: the whole domain model of DESIGN.md. Frozen once released; change the
 * schema with a new migration file, never by editing this one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function upSqlite(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('owner','admin','user')`))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auth_secret', 'text', (c) => c.notNull())
    .addColumn('auth_secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('store_secret', 'text', (c) => c.notNull())
    .addColumn('store_secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'text')
    .execute()

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('products')
    .addColumn('num', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('secret_key', 'text', (c) => c.notNull())
    .addColumn('secret_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('price_cents', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('USD'))
    .addColumn('stock', 'integer')
    .addColumn('license_defaults', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('policy', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('products_owner').on('products').column('owner_id').execute()

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('customers_owner_email')
    .on('customers')
    .columns(['owner_id', 'email'])
    .unique()
    .execute()
  await db.schema.createIndex('customers_email').on('customers').column('email').execute()

  await db.schema
    .createTable('orders')
    .addColumn('num', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('owner_id', 'text', (c) => c.references('accounts.id').onDelete('set null'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending','paid','refunded','cancelled')`),
    )
    .addColumn('payment_ref', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('paid_at', 'text')
    .addColumn('refunded_at', 'text')
    .execute()
  await db.schema.createIndex('orders_customer').on('orders').column('customer_id').execute()
  await db.schema.createIndex('orders_created').on('orders').column('created_at').execute()

  await db.schema
    .createTable('licenses')
    .addColumn('num', 'integer', (c) => c.primaryKey())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('product_id', 'text', (c) =>
      c.notNull().references('products.id').onDelete('cascade'),
    )
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('trial','subscription','lifetime')`),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('active','suspended','banned','expired')`),
    )
    .addColumn('level', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('max_uses', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('hwid_locked', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('max_sessions', 'integer')
    .addColumn('expires_at', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status_reason', 'text')
    .addColumn('customer_id', 'text', (c) => c.references('customers.id').onDelete('set null'))
    .addColumn('order_id', 'text', (c) => c.references('orders.id').onDelete('set null'))
    .addColumn('expired_notified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('licenses_product_created')
    .on('licenses')
    .columns(['product_id', 'created_at'])
    .execute()
  await db.schema.createIndex('licenses_created').on('licenses').column('created_at').execute()
  await db.schema.createIndex('licenses_expires').on('licenses').column('expires_at').execute()
  // The expiry sweep's work list: only licenses whose license.expired was not announced yet,
  // so the once-a-minute sweep stays cheap however many expired licenses pile up.
  await db.schema
    .createIndex('licenses_expiry_due')
    .on('licenses')
    .column('expires_at')
    .where(sql<boolean>`expired_notified_at is null and expires_at is not null`)
    .execute()
  // (status, expires_at): status filters, and the dashboard's "active but past expiry" count
  // read from the index alone.
  await db.schema
    .createIndex('licenses_status')
    .on('licenses')
    .columns(['status', 'expires_at'])
    .execute()
  await db.schema.createIndex('licenses_customer').on('licenses').column('customer_id').execute()
  await db.schema.createIndex('licenses_order').on('licenses').column('order_id').execute()
  // Substring search over metadata and notes for the console: a trigram FTS5 index kept in
  // step with the table by triggers (`licenses.num` is the rowid). A row with metadata '{}' and
  // notes '' is left out: shorter than one trigram, it could never match, and indexing it was
  // half the cost of creating keys in bulk. Each trigger skips such rows on both sides, so a
  // 'delete' is only sent for a row that was indexed (FTS5 'rebuild' indexes every row; an
  // empty one then holds no terms and a later insert of its rowid replaces it).
  await sql`CREATE VIRTUAL TABLE licenses_fts USING fts5(
    metadata, notes, content='licenses', content_rowid='num', tokenize='trigram')`.execute(db)
  await sql`CREATE TRIGGER licenses_fts_ai AFTER INSERT ON licenses
    WHEN new.metadata <> '{}' OR new.notes <> '' BEGIN
    INSERT INTO licenses_fts(rowid, metadata, notes) VALUES (new.num, new.metadata, new.notes);
  END`.execute(db)
  await sql`CREATE TRIGGER licenses_fts_ad AFTER DELETE ON licenses
    WHEN old.metadata <> '{}' OR old.notes <> '' BEGIN
    INSERT INTO licenses_fts(licenses_fts, rowid, metadata, notes)
      VALUES ('delete', old.num, old.metadata, old.notes);
  END`.execute(db)
  await sql`CREATE TRIGGER licenses_fts_au AFTER UPDATE OF metadata, notes ON licenses BEGIN
    INSERT INTO licenses_fts(licenses_fts, rowid, metadata, notes)
      SELECT 'delete', old.num, old.metadata, old.notes WHERE old.metadata <> '{}' OR old.notes <> '';
    INSERT INTO licenses_fts(rowid, metadata, notes)
      SELECT new.num, new.metadata, new.notes WHERE new.metadata <> '{}' OR new.notes <> '';
  END`.execute(db)

  await db.schema
    .createTable('machines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('hwid', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('platform', 'text')
    .addColumn('os_version', 'text')
    .addColumn('ip', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_heartbeat_at', 'text')
    .execute()
  await db.schema
    .createIndex('machines_license_hwid')
    .on('machines')
    .columns(['license_id', 'hwid'])
    .unique()
    .execute()
  await db.schema.createIndex('machines_hwid').on('machines').column('hwid').execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('machine_id', 'text', (c) => c.references('machines.id').onDelete('set null'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('nonce', 'text')
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('hwid', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute()
  await db.schema
    .createIndex('sessions_license')
    .on('sessions')
    .columns(['license_id', 'expires_at'])
    .execute()
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute()
  // Revoking a machine's sessions and finding silent machines go by machine.
  await db.schema.createIndex('sessions_machine').on('sessions').column('machine_id').execute()

  await db.schema
    .createTable('challenges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('hwid', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('challenges_expires').on('challenges').column('expires_at').execute()

  await db.schema
    .createTable('variables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.references('products.id').onDelete('cascade'))
    .addColumn('license_id', 'text', (c) => c.references('licenses.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('string','boolean','file')`))
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('file_data', 'blob')
    .addColumn('size', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('variables_scope', sql`(product_id is null) <> (license_id is null)`)
    .execute()
  await db.schema
    .createIndex('variables_product_name')
    .on('variables')
    .columns(['product_id', 'name'])
    .unique()
    .where(sql.ref('product_id'), 'is not', null)
    .execute()
  await db.schema
    .createIndex('variables_license_name')
    .on('variables')
    .columns(['license_id', 'name'])
    .unique()
    .where(sql.ref('license_id'), 'is not', null)
    .execute()

  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text')
    .addColumn('license_id', 'text')
    .addColumn('machine_id', 'text')
    .addColumn('hwid', 'text')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  // Events outlive what they describe (an audit log), so no foreign keys here.
  await db.schema.createIndex('events_created').on('events').column('created_at').execute()
  await db.schema.createIndex('events_license').on('events').columns(['license_id', 'id']).execute()
  await db.schema
    .createIndex('events_type_created')
    .on('events')
    .columns(['type', 'created_at'])
    .execute()
  await db.schema.createIndex('events_ip').on('events').columns(['ip', 'created_at']).execute()
  // Refused and blocked events only (a small share of the log): the dashboard's outcome and
  // security counts read them without walking every validation. Partial, so the hot path's
  // successful events never touch it.
  await sql`CREATE INDEX events_blocked ON events (created_at) WHERE blocked = 1`.execute(db)

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('is_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('notifications_account')
    .on('notifications')
    .columns(['account_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('blacklist')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type in ('ip','hwid','license','fingerprint')`),
    )
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('expires_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('source', 'text', (c) =>
      c
        .notNull()
        .defaultTo('manual')
        .check(sql`source in ('manual','detection')`),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('blacklist_lookup')
    .on('blacklist')
    .columns(['type', 'value'])
    .execute()

  await db.schema
    .createTable('webhooks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('events', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) =>
      c.notNull().references('webhooks.id').onDelete('cascade'),
    )
    .addColumn('event_id', 'integer')
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_response_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute()
  await db.schema
    .createIndex('deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('deliveries_webhook')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'created_at'])
    .execute()
  // One delivery per (webhook, event): enqueueing twice after a crash cannot send twice.
  await db.schema
    .createIndex('deliveries_webhook_event')
    .on('webhook_deliveries')
    .columns(['webhook_id', 'event_id'])
    .unique()
    .where(sql.ref('event_id'), 'is not', null)
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.references('products.id').onDelete('cascade'))
    .addColumn('require_signature', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ip_allowlist', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('last_used_ip', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('api_keys_account').on('api_keys').column('account_id').execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_pk', ['scope', 'key'])
    .execute()
  await db.schema
    .createIndex('idempotency_created')
    .on('idempotency_keys')
    .column('created_at')
    .execute()

  await db.schema
    .createTable('replay_guard')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('replay_guard_pk', ['kind', 'value'])
    .execute()
  await db.schema
    .createIndex('replay_guard_expires')
    .on('replay_guard')
    .column('expires_at')
    .execute()
}

/**
 * The same schema on PostgreSQL. Columns keep their SQLite shape so that rows map to DTOs by one
 * code path: timestamps are ISO text, booleans integer 0/1, JSON text. Integers are bigint
 * (SQLite's INTEGER is 64-bit; the pool parses INT8 back to numbers). SQLite's rowid-backed
 * `num` and AUTOINCREMENT `events.id` are identity columns ("by default", so a restore may
 * write them). Instead of the FTS5 table and its triggers, GIN trigram indexes (pg_trgm) serve
 * the license search (key prefix, customer email, metadata/notes substring; see the dialect
 * files' search section): they index the columns themselves, so nothing has to keep them in step.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function upPostgres(db: Kysely<any>): Promise<void> {
  for (const statement of POSTGRES_SCHEMA) await sql.raw(statement).execute(db)
}

const identity = 'bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY'

const POSTGRES_SCHEMA = [
  `CREATE EXTENSION IF NOT EXISTS pg_trgm`,
  `CREATE TABLE accounts (
    id text PRIMARY KEY,
    email text NOT NULL UNIQUE,
    display_name text NOT NULL,
    password_hash text NOT NULL,
    role text NOT NULL CHECK (role in ('owner','admin','user')),
    is_active integer NOT NULL DEFAULT 1,
    token_version bigint NOT NULL DEFAULT 0,
    auth_secret text NOT NULL,
    auth_secret_hash text NOT NULL UNIQUE,
    store_secret text NOT NULL,
    store_secret_hash text NOT NULL UNIQUE,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    last_login_at text)`,
  `CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL, updated_at text NOT NULL)`,
  `CREATE TABLE products (
    num ${identity},
    id text NOT NULL UNIQUE,
    owner_id text REFERENCES accounts(id) ON DELETE SET NULL,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    secret_key text NOT NULL,
    secret_key_hash text NOT NULL UNIQUE,
    is_active integer NOT NULL DEFAULT 1,
    price_cents bigint NOT NULL DEFAULT 0,
    currency text NOT NULL DEFAULT 'USD',
    stock bigint,
    license_defaults text NOT NULL DEFAULT '{}',
    policy text NOT NULL DEFAULT '{}',
    created_at text NOT NULL,
    updated_at text NOT NULL)`,
  `CREATE INDEX products_owner ON products (owner_id)`,
  `CREATE TABLE customers (
    id text PRIMARY KEY,
    owner_id text REFERENCES accounts(id) ON DELETE SET NULL,
    email text NOT NULL,
    name text,
    created_at text NOT NULL)`,
  `CREATE UNIQUE INDEX customers_owner_email ON customers (owner_id, email)`,
  `CREATE INDEX customers_email ON customers (email)`,
  // Substring search over emails (licenses, customers and orders search boxes).
  `CREATE INDEX customers_email_trgm ON customers USING gin (email gin_trgm_ops)`,
  `CREATE TABLE orders (
    num ${identity},
    id text NOT NULL UNIQUE,
    owner_id text REFERENCES accounts(id) ON DELETE SET NULL,
    customer_id text NOT NULL REFERENCES customers(id),
    product_id text NOT NULL REFERENCES products(id),
    quantity bigint NOT NULL,
    amount_cents bigint NOT NULL,
    currency text NOT NULL,
    status text NOT NULL CHECK (status in ('pending','paid','refunded','cancelled')),
    payment_ref text,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    paid_at text,
    refunded_at text)`,
  `CREATE INDEX orders_customer ON orders (customer_id)`,
  `CREATE INDEX orders_created ON orders (created_at)`,
  `CREATE TABLE licenses (
    num ${identity},
    id text NOT NULL UNIQUE,
    product_id text NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    key text NOT NULL UNIQUE,
    type text NOT NULL CHECK (type in ('trial','subscription','lifetime')),
    status text NOT NULL CHECK (status in ('active','suspended','banned','expired')),
    level bigint NOT NULL DEFAULT 1,
    max_uses bigint NOT NULL DEFAULT 1,
    hwid_locked integer NOT NULL DEFAULT 1,
    max_sessions bigint,
    expires_at text,
    metadata text NOT NULL DEFAULT '{}',
    notes text NOT NULL DEFAULT '',
    status_reason text,
    customer_id text REFERENCES customers(id) ON DELETE SET NULL,
    order_id text REFERENCES orders(id) ON DELETE SET NULL,
    expired_notified_at text,
    created_at text NOT NULL,
    updated_at text NOT NULL)`,
  `CREATE INDEX licenses_product_created ON licenses (product_id, created_at)`,
  `CREATE INDEX licenses_created ON licenses (created_at)`,
  `CREATE INDEX licenses_expires ON licenses (expires_at)`,
  `CREATE INDEX licenses_expiry_due ON licenses (expires_at)
    WHERE expired_notified_at is null and expires_at is not null`,
  `CREATE INDEX licenses_status ON licenses (status, expires_at)`,
  `CREATE INDEX licenses_customer ON licenses (customer_id)`,
  `CREATE INDEX licenses_order ON licenses (order_id)`,
  // The search box (dialects/postgres.ts searchLicenses): key prefix (LIKE 'ABC%', which the
  // unique btree cannot serve under a non-C collation) and metadata/notes substrings (ILIKE).
  // Trigram GIN: a search of 3+ characters reads the index, shorter ones scan. '{}' and '' hold
  // no trigram, so unannotated licenses cost the index nothing.
  `CREATE INDEX licenses_key_trgm ON licenses USING gin (key gin_trgm_ops)`,
  `CREATE INDEX licenses_metadata_trgm ON licenses USING gin (metadata gin_trgm_ops)`,
  `CREATE INDEX licenses_notes_trgm ON licenses USING gin (notes gin_trgm_ops)`,
  `CREATE TABLE machines (
    id text PRIMARY KEY,
    license_id text NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    hwid text NOT NULL,
    name text,
    platform text,
    os_version text,
    ip text,
    first_seen_at text NOT NULL,
    last_seen_at text NOT NULL,
    last_heartbeat_at text)`,
  `CREATE UNIQUE INDEX machines_license_hwid ON machines (license_id, hwid)`,
  `CREATE INDEX machines_hwid ON machines (hwid)`,
  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    license_id text NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    machine_id text REFERENCES machines(id) ON DELETE SET NULL,
    token_hash text NOT NULL UNIQUE,
    nonce text,
    protocol text NOT NULL,
    hwid text,
    ip text,
    user_agent text,
    created_at text NOT NULL,
    expires_at text NOT NULL,
    last_seen_at text NOT NULL,
    revoked_at text,
    revoked_reason text)`,
  `CREATE INDEX sessions_license ON sessions (license_id, expires_at)`,
  `CREATE INDEX sessions_expires ON sessions (expires_at)`,
  `CREATE INDEX sessions_machine ON sessions (machine_id)`,
  `CREATE TABLE challenges (
    id text PRIMARY KEY,
    license_id text NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    hwid text NOT NULL,
    challenge text NOT NULL UNIQUE,
    expires_at text NOT NULL,
    used_at text,
    created_at text NOT NULL)`,
  `CREATE INDEX challenges_expires ON challenges (expires_at)`,
  `CREATE TABLE variables (
    id text PRIMARY KEY,
    product_id text REFERENCES products(id) ON DELETE CASCADE,
    license_id text REFERENCES licenses(id) ON DELETE CASCADE,
    name text NOT NULL,
    type text NOT NULL CHECK (type in ('string','boolean','file')),
    value text NOT NULL,
    file_data bytea,
    size bigint NOT NULL DEFAULT 0,
    created_at text NOT NULL,
    updated_at text NOT NULL,
    CONSTRAINT variables_scope CHECK ((product_id is null) <> (license_id is null)))`,
  `CREATE UNIQUE INDEX variables_product_name ON variables (product_id, name)
    WHERE product_id is not null`,
  `CREATE UNIQUE INDEX variables_license_name ON variables (license_id, name)
    WHERE license_id is not null`,
  `CREATE TABLE events (
    id ${identity},
    type text NOT NULL,
    severity text NOT NULL,
    product_id text,
    license_id text,
    machine_id text,
    hwid text,
    ip text,
    user_agent text,
    details text NOT NULL DEFAULT '{}',
    blocked integer NOT NULL DEFAULT 0,
    created_at text NOT NULL)`,
  `CREATE INDEX events_created ON events (created_at)`,
  `CREATE INDEX events_license ON events (license_id, id)`,
  `CREATE INDEX events_type_created ON events (type, created_at)`,
  `CREATE INDEX events_ip ON events (ip, created_at)`,
  `CREATE INDEX events_blocked ON events (created_at) WHERE blocked = 1`,
  `CREATE TABLE notifications (
    id text PRIMARY KEY,
    account_id text REFERENCES accounts(id) ON DELETE CASCADE,
    type text NOT NULL,
    title text NOT NULL,
    message text NOT NULL,
    is_read integer NOT NULL DEFAULT 0,
    created_at text NOT NULL)`,
  `CREATE INDEX notifications_account ON notifications (account_id, created_at)`,
  `CREATE TABLE blacklist (
    id text PRIMARY KEY,
    type text NOT NULL CHECK (type in ('ip','hwid','license','fingerprint')),
    value text NOT NULL,
    reason text NOT NULL DEFAULT '',
    severity text NOT NULL,
    is_active integer NOT NULL DEFAULT 1,
    expires_at text,
    created_by text,
    source text NOT NULL DEFAULT 'manual' CHECK (source in ('manual','detection')),
    created_at text NOT NULL)`,
  `CREATE INDEX blacklist_lookup ON blacklist (type, value)`,
  `CREATE TABLE webhooks (
    id text PRIMARY KEY,
    owner_id text REFERENCES accounts(id) ON DELETE CASCADE,
    url text NOT NULL,
    events text NOT NULL,
    secret text NOT NULL,
    is_active integer NOT NULL DEFAULT 1,
    created_at text NOT NULL,
    updated_at text NOT NULL)`,
  `CREATE TABLE webhook_deliveries (
    id text PRIMARY KEY,
    webhook_id text NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id bigint,
    event_type text NOT NULL,
    payload text NOT NULL,
    status text NOT NULL,
    attempts bigint NOT NULL DEFAULT 0,
    next_attempt_at text,
    last_status_code bigint,
    last_response_ms bigint,
    last_error text,
    created_at text NOT NULL,
    delivered_at text)`,
  `CREATE INDEX deliveries_due ON webhook_deliveries (status, next_attempt_at)`,
  `CREATE INDEX deliveries_webhook ON webhook_deliveries (webhook_id, created_at)`,
  `CREATE UNIQUE INDEX deliveries_webhook_event ON webhook_deliveries (webhook_id, event_id)
    WHERE event_id is not null`,
  `CREATE TABLE api_keys (
    id text PRIMARY KEY,
    account_id text REFERENCES accounts(id) ON DELETE CASCADE,
    name text NOT NULL,
    prefix text NOT NULL,
    key_hash text NOT NULL UNIQUE,
    secret_sealed text NOT NULL,
    scopes text NOT NULL,
    product_id text REFERENCES products(id) ON DELETE CASCADE,
    require_signature integer NOT NULL DEFAULT 0,
    ip_allowlist text NOT NULL DEFAULT '[]',
    expires_at text,
    last_used_at text,
    last_used_ip text,
    revoked_at text,
    created_at text NOT NULL)`,
  `CREATE INDEX api_keys_account ON api_keys (account_id)`,
  `CREATE TABLE idempotency_keys (
    scope text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    status_code bigint,
    response_body text,
    created_at text NOT NULL,
    CONSTRAINT idempotency_pk PRIMARY KEY (scope, key))`,
  `CREATE INDEX idempotency_created ON idempotency_keys (created_at)`,
  `CREATE TABLE replay_guard (
    kind text NOT NULL,
    value text NOT NULL,
    expires_at text NOT NULL,
    CONSTRAINT replay_guard_pk PRIMARY KEY (kind, value))`,
  `CREATE INDEX replay_guard_expires ON replay_guard (expires_at)`,
]

export const sqlite: Migration = { up: upSqlite }
export const postgres: Migration = { up: upPostgres }
