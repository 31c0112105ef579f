import { sql, type Insertable, type Selectable, type Updateable } from 'kysely'
import type { Db, Executor } from '../connection'
import type { VariablesTable } from '../schema'

export type VariableRow = Selectable<VariablesTable>
/** A row without its file bytes: what lists read. */
export type VariableMeta = Omit<VariableRow, 'file_data'>

export interface VariableOwner {
  productId?: string
  licenseId?: string
}

const META = [
  'id',
  'product_id',
  'license_id',
  'name',
  'type',
  'value',
  'size',
  'created_at',
  'updated_at',
] as const

/** The column that names the scope: exactly one is set (the table's CHECK holds the same rule). */
function col(o: VariableOwner): 'product_id' | 'license_id' {
  return o.productId ? 'product_id' : 'license_id'
}

function ownerId(o: VariableOwner): string {
  return o.productId ?? o.licenseId!
}

export async function listVariables(db: Db, o: VariableOwner): Promise<VariableMeta[]> {
  return db
    .selectFrom('variables')
    .select(META)
    .where(col(o), '=', ownerId(o))
    .orderBy('name')
    .execute()
}

/** One variable of a scope, by name or by id, with its file bytes. */
export async function findVariable(
  db: Db,
  o: VariableOwner,
  nameOrId: string,
): Promise<VariableRow | undefined> {
  return db
    .selectFrom('variables')
    .selectAll()
    .where(col(o), '=', ownerId(o))
    .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
    .orderBy('name')
    .executeTakeFirst()
}

export async function insertVariable(db: Db, row: Insertable<VariablesTable>): Promise<void> {
  await db.insertInto('variables').values(row).execute()
}

export async function updateVariable(
  db: Db,
  id: string,
  patch: Updateable<VariablesTable>,
): Promise<void> {
  await db.updateTable('variables').set(patch).where('id', '=', id).execute()
}

export async function deleteVariable(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('variables').where('id', '=', id).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** Every variable a license sees, with file bytes: its product's and its own (runs on every login). */
export async function variablesForLicense(
  ex: Executor,
  productId: string,
  licenseId: string,
): Promise<VariableRow[]> {
  // Product rows first, so a license row of the same name is read last and wins.
  return ex
    .selectFrom('variables')
    .selectAll()
    .where((eb) => eb.or([eb('product_id', '=', productId), eb('license_id', '=', licenseId)]))
    .orderBy(sql`(license_id is not null)`)
    .orderBy('name')
    .execute()
}
