import type { Migration } from 'kysely/migration'
import type { Kysely } from 'kysely'

/**
 * What DevPayr's model needs beyond products, licenses and machines (issue 14):
 * - `products.has_paid`: the project's payment state (set by an update or by the store when an
 *   order is paid); a project starts unpaid;
 * - `licenses.title` and `licenses.environment` (`production`, `staging`, `test`,
 *   `development`): a test license never runs on a production domain, nor the reverse;
 * - `machines.environment`: the environment each runtime identifier ran in (console);
 * - `product_domains`: a product's domain rules (exact or `*.example.com`), each in an
 *   environment;
 * - `product_injectables`: encrypted snippets/files delivered to running software, with the
 *   secret sealed under master.key and the content stored only in its encrypted wire form.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on the current schema type
async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('products')
    .addColumn('has_paid', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('licenses').addColumn('title', 'text').execute()
  await db.schema
    .alterTable('licenses')
    .addColumn('environment', 'text', (c) => c.notNull().defaultTo('production'))
    .execute()
  await db.schema.alterTable('machines').addColumn('environment', 'text').execute()

  await db.schema
    .createTable('product_domains')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) =>
      c.notNull().references('products.id').onDelete('cascade'),
    )
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('environment', 'text', (c) => c.notNull())
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('product_domains_unique')
    .on('product_domains')
    .columns(['product_id', 'domain'])
    .unique()
    .execute()

  await db.schema
    .createTable('product_injectables')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) =>
      c.notNull().references('products.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('target_path', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('only_if_paid', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('product_injectables_slug')
    .on('product_injectables')
    .columns(['product_id', 'slug'])
    .unique()
    .execute()
}

/*
 * The same schema-builder calls on both dialects: `text` and `integer` columns, ALTER TABLE ADD
 * COLUMN with a constant default (SQLite and PostgreSQL both fill existing rows with it). Kept
 * as two exports so either can diverge later.
 */
export const sqlite: Migration = { up }

export const postgres: Migration = { up }
