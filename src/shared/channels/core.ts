import { z } from 'zod'
import type { EventDto, LicenseDto, Page, ProductDto, ServerStatus } from '../dto'
import {
  bulkCreateLicensesSchema,
  createLicenseSchema,
  createProductSchema,
  listLicensesSchema,
  updateLicenseSchema,
  updateProductSchema,
} from '../schemas'
import { byId, channel, none } from './channel'

/** Server status, products, licenses and the event feed. */
export const coreChannels = {
  'server.status': channel(none).for('session').returns<ServerStatus>(),

  'products.list': channel(z.object({ q: z.string().max(200).optional() }).default({}))
    .for('user')
    .returns<ProductDto[]>(),
  'products.get': channel(byId).for('user').returns<ProductDto>(),
  'products.create': channel(createProductSchema).for('user').returns<ProductDto>(),
  'products.update': channel(byId.extend({ patch: updateProductSchema }))
    .for('user')
    .returns<ProductDto>(),
  'products.delete': channel(byId).for('user').returns<{ deleted: true }>(),
  'products.regenerateKey': channel(byId).for('user').returns<{ secret_key: string }>(),

  'licenses.list': channel(listLicensesSchema).for('user').returns<Page<LicenseDto>>(),
  'licenses.get': channel(byId).for('user').returns<LicenseDto>(),
  'licenses.create': channel(createLicenseSchema).for('user').returns<LicenseDto>(),
  'licenses.bulkCreate': channel(
    bulkCreateLicensesSchema.extend({ count: z.number().int().min(1).max(10_000) }),
  )
    .for('user')
    .returns<{ created: number; licenses: LicenseDto[] }>(),
  'licenses.update': channel(byId.extend({ patch: updateLicenseSchema }))
    .for('user')
    .returns<LicenseDto>(),
  'licenses.delete': channel(byId).for('user').returns<{ deleted: true }>(),
  'licenses.resetHwid': channel(byId).for('user').returns<LicenseDto>(),
  'licenses.events': channel(
    byId.extend({
      page: z.number().int().min(1).default(1),
      limit: z.number().int().min(1).max(200).default(50),
    }),
  )
    .for('user')
    .returns<Page<EventDto>>(),

  'events.recent': channel(
    z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }),
  )
    .for('user')
    .returns<EventDto[]>(),
} as const
