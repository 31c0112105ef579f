import { DomainError } from '@shared/errors'
import {
  MAX_VARIABLE_FILE_BYTES,
  type UpsertVariableInput,
  type VariableDto,
  type VariableFileValue,
  type VariableScope,
} from '@shared/channels/variables'
import * as repo from '../../db/repositories/variables'
import { uuid } from '../../crypto/random'
import { type Actor, nowIso, type ServiceContext } from '../context'
import type { EventsService } from '../events'
import type { ProductsService } from '../products'
import type { LicensesService } from '../licenses'

/** What a client receives for one variable on login. */
export type VariableValue = string | boolean | VariableFileValue

export function toVariableDto(v: repo.VariableMeta): VariableDto {
  return {
    id: v.id,
    scope: v.license_id ? 'license' : 'product',
    product_id: v.product_id,
    license_id: v.license_id,
    name: v.name,
    type: v.type,
    value: v.type === 'file' ? null : v.type === 'boolean' ? v.value === 'true' : v.value,
    file: v.type === 'file' ? { name: v.value, size: v.size } : null,
    created_at: v.created_at,
    updated_at: v.updated_at,
  }
}

function clientValue(v: repo.VariableRow): VariableValue {
  if (v.type === 'boolean') return v.value === 'true'
  if (v.type === 'file') {
    return {
      name: v.value,
      size: v.size,
      data: Buffer.from(v.file_data ?? new Uint8Array()).toString('base64'),
    }
  }
  return v.value
}

/**
 * License variables: server-side values (strings, booleans, small files) a licensed app
 * receives on login. Product-scoped ones reach every key of the product; a license-scoped
 * one of the same name overrides it for that key.
 */
export function createVariablesService(
  ctx: ServiceContext,
  deps: { events: EventsService; products: ProductsService; licenses: LicensesService },
) {
  /** Checks the actor may see the scope; returns the repository owner and the product. */
  async function owner(
    actor: Actor,
    scope: VariableScope,
  ): Promise<{ o: repo.VariableOwner; productId: string }> {
    if ('product_id' in scope) {
      const p = await deps.products.load(actor, scope.product_id)
      return { o: { productId: p.id }, productId: p.id }
    }
    const l = await deps.licenses.load(actor, scope.license_id)
    return { o: { licenseId: l.id }, productId: l.product_id }
  }

  async function find(
    actor: Actor,
    scope: VariableScope,
    nameOrId: string,
  ): Promise<repo.VariableRow> {
    const { o } = await owner(actor, scope)
    const v = await repo.findVariable(ctx.db, o, nameOrId)
    if (!v) throw new DomainError('NOT_FOUND', `Variable "${nameOrId}" not found`)
    return v
  }

  return {
    async list(actor: Actor, scope: VariableScope): Promise<VariableDto[]> {
      const { o } = await owner(actor, scope)
      return (await repo.listVariables(ctx.db, o)).map(toVariableDto)
    },

    /** Creates the variable, or replaces the one of the same name in this scope. */
    async upsert(
      actor: Actor,
      scope: VariableScope,
      input: UpsertVariableInput,
    ): Promise<VariableDto> {
      const { o, productId } = await owner(actor, scope)
      let fields: {
        type: UpsertVariableInput['type']
        value: string
        file_data: Buffer | null
        size: number
      }
      if (input.type === 'file') {
        const bytes = Buffer.from(input.data, 'base64')
        if (bytes.length > MAX_VARIABLE_FILE_BYTES) {
          throw new DomainError(
            'VALIDATION_ERROR',
            `File is larger than ${MAX_VARIABLE_FILE_BYTES / 1024} KiB`,
          )
        }
        fields = { type: 'file', value: input.file_name, file_data: bytes, size: bytes.length }
      } else {
        const value = String(input.value)
        fields = { type: input.type, value, file_data: null, size: Buffer.byteLength(value) }
      }
      const now = nowIso(ctx)
      const id = await ctx.tx(async (trx) => {
        const existing = await repo.findVariable(trx, o, input.name)
        if (existing && existing.name === input.name) {
          await repo.updateVariable(trx, existing.id, { ...fields, updated_at: now })
          return existing.id
        }
        const newId = uuid()
        await repo.insertVariable(trx, {
          id: newId,
          product_id: o.productId ?? null,
          license_id: o.licenseId ?? null,
          name: input.name,
          ...fields,
          created_at: now,
          updated_at: now,
        })
        return newId
      })
      await deps.events.record({
        type: 'variable.saved',
        productId,
        licenseId: o.licenseId ?? null,
        details: { name: input.name, type: input.type, size: fields.size },
      })
      return toVariableDto((await repo.findVariable(ctx.db, o, id))!)
    },

    /** Deletes one variable of the scope, named by its name or its id. */
    async remove(actor: Actor, scope: VariableScope, nameOrId: string): Promise<void> {
      const v = await find(actor, scope, nameOrId)
      await repo.deleteVariable(ctx.db, v.id)
      await deps.events.record({
        type: 'variable.deleted',
        productId: v.product_id ?? undefined,
        licenseId: v.license_id,
        details: { name: v.name },
      })
    },

    /** One variable by name or id; a file comes with its bytes (base64) in `data`. */
    async get(
      actor: Actor,
      scope: VariableScope,
      nameOrId: string,
    ): Promise<VariableDto & { data?: string }> {
      const v = await find(actor, scope, nameOrId)
      const dto = toVariableDto(v)
      return v.type === 'file' ? { ...dto, data: (clientValue(v) as VariableFileValue).data } : dto
    },

    async file(actor: Actor, scope: VariableScope, nameOrId: string): Promise<VariableFileValue> {
      const v = await find(actor, scope, nameOrId)
      if (v.type !== 'file')
        throw new DomainError('VALIDATION_ERROR', `Variable "${v.name}" is not a file`)
      return clientValue(v) as VariableFileValue
    },

    /**
     * Every variable a license's client receives, by name: its product's, overridden by its
     * own. No actor: called by the protocol adapters after the engine accepted the key.
     */
    async forLicense(productId: string, licenseId: string): Promise<Record<string, VariableValue>> {
      const out: Record<string, VariableValue> = {}
      for (const v of await repo.variablesForLicense(ctx.db, productId, licenseId))
        out[v.name] = clientValue(v)
      return out
    },
  }
}

export type VariablesService = ReturnType<typeof createVariablesService>
