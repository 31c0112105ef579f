import { z } from 'zod'
import { channel, none } from './channel'

export interface SecretsDto {
  auth_secret: string
  store_secret: string
}

export const sellRealmConfigPatchSchema = z
  .object({
    rate_limit_per_minute: z.number().int().min(1).max(1_000_000),
    timestamp_window_seconds: z.number().int().min(1).max(86_400),
  })
  .partial()

export interface SellRealmConfigDto {
  rate_limit_per_minute: number
  timestamp_window_seconds: number
}

/**
 * The SellRealm secrets of whoever is signed in to the console (an account's own pair, or the
 * installation's for the desktop console) and the License API's tunables.
 */
export const secretsChannels = {
  'account.secrets': channel(none).for('user').returns<SecretsDto>(),
  'account.regenerateSecrets': channel(none).for('user').returns<SecretsDto>(),
  'sellrealm.config': channel(none).for('session').returns<SellRealmConfigDto>(),
  'sellrealm.updateConfig': channel(sellRealmConfigPatchSchema)
    .for('admin')
    .returns<SellRealmConfigDto>(),
} as const
