import type { ApiKeyDto, CreatedApiKeyDto } from '../apikeys'
import { createApiKeySchema } from '../apikeys'
import { byId, channel, none } from './channel'

/** Backend API keys from the console: list, create (key and secret returned once), revoke. */
export const apiKeyChannels = {
  'apiKeys.list': channel(none).returns<ApiKeyDto[]>(),
  'apiKeys.create': channel(createApiKeySchema).returns<CreatedApiKeyDto>(),
  'apiKeys.revoke': channel(byId).returns<ApiKeyDto>(),
} as const
