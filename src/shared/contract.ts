import { z } from 'zod'
import type { EventDto, LicenseDto, Page, ProductDto, ServerStatus } from './dto'
import {
  bulkCreateLicensesSchema,
  createLicenseSchema,
  createProductSchema,
  listLicensesSchema,
  updateLicenseSchema,
  updateProductSchema,
} from './schemas'

/**
 * The console's one typed contract: channel -> input schema -> output type. Main registers a
 * handler for every channel once (src/main/rpc); the Electron preload and the headless
 * web console carry the same calls. Add a channel here and TypeScript asks for its handler.
 */
function channel<I extends z.ZodType>(input: I) {
  return { returns: <O>() => ({ input, output: undefined as unknown as O }) }
}

const none = z.object({}).strict().default({})
const byId = z.object({ id: z.string().min(1) })

export const contract = {
  'server.status': channel(none).returns<ServerStatus>(),

  'products.list': channel(z.object({ q: z.string().max(200).optional() }).default({})).returns<
    ProductDto[]
  >(),
  'products.get': channel(byId).returns<ProductDto>(),
  'products.create': channel(createProductSchema).returns<ProductDto>(),
  'products.update': channel(byId.extend({ patch: updateProductSchema })).returns<ProductDto>(),
  'products.delete': channel(byId).returns<{ deleted: true }>(),
  'products.regenerateKey': channel(byId).returns<{ secret_key: string }>(),

  'licenses.list': channel(listLicensesSchema).returns<Page<LicenseDto>>(),
  'licenses.get': channel(byId).returns<LicenseDto>(),
  'licenses.create': channel(createLicenseSchema).returns<LicenseDto>(),
  'licenses.bulkCreate': channel(
    bulkCreateLicensesSchema.extend({ count: z.number().int().min(1).max(10_000) }),
  ).returns<{ created: number; licenses: LicenseDto[] }>(),
  'licenses.update': channel(byId.extend({ patch: updateLicenseSchema })).returns<LicenseDto>(),
  'licenses.delete': channel(byId).returns<{ deleted: true }>(),
  'licenses.resetHwid': channel(byId).returns<LicenseDto>(),
  'licenses.events': channel(
    byId.extend({
      page: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(200).default(50),
    }),
  ).returns<Page<EventDto>>(),

  'events.recent': channel(
    z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }),
  ).returns<EventDto[]>(),
} as const

/** Pushes from main to the console; `on()` returns an unsubscribe function. */
export interface ServerEvents {
  'events.new': EventDto
  'server.status': ServerStatus
}

export type Contract = typeof contract
export type Channel = keyof Contract
export type InputOf<C extends Channel> = z.input<Contract[C]['input']>
export type ParsedInputOf<C extends Channel> = z.output<Contract[C]['input']>
export type OutputOf<C extends Channel> = Contract[C]['output']

export const CHANNELS = Object.keys(contract) as Channel[]

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(contract, name)
}

/** What a transport (IPC or HTTP) exposes to the renderer. */
export interface Bridge {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>>
  on<E extends keyof ServerEvents>(event: E, listener: (payload: ServerEvents[E]) => void): () => void
}

/** How an RPC failure crosses a transport: a code the console can act on and a message. */
export interface RpcError {
  code: string
  message: string
  issues?: { path: string; message: string }[]
}
