import { z } from 'zod'
import {
  createHirezDeveloperSchema,
  updateHirezDeveloperSchema,
  type CreatedHirezDeveloperDto,
  type HirezDeveloperDto,
} from '../hirez'
import { channel, none } from './channel'

const byDevId = z.object({ dev_id: z.number().int().min(1000).max(9999) })

/**
 * Hi-Rez developer credentials from the console: list (with today's usage), create and re-key
 * (the auth key returned once), edit limits and product scope, revoke. Any account, on its own
 * credentials (the service scopes them); admins and the desktop console see every one.
 */
export const hirezChannels = {
  'hirez.list': channel(none).for('user').returns<HirezDeveloperDto[]>(),
  'hirez.create': channel(createHirezDeveloperSchema)
    .for('user')
    .returns<CreatedHirezDeveloperDto>(),
  'hirez.update': channel(byDevId.extend({ patch: updateHirezDeveloperSchema }))
    .for('user')
    .returns<HirezDeveloperDto>(),
  'hirez.rekey': channel(byDevId).for('user').returns<CreatedHirezDeveloperDto>(),
  'hirez.revoke': channel(byDevId).for('user').returns<HirezDeveloperDto>(),
} as const
