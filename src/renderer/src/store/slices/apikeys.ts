import type { ApiKeyDto, CreateApiKeyInput, CreatedApiKeyDto } from '@shared/apikeys'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface ApiKeysSlice {
  apiKeys: ApiKeyDto[]
  apiKeysLoaded: boolean
  loadApiKeys(): Promise<void>
  /** Resolves to the new key with its key and secret: the only time they exist in the console. */
  createApiKey(input: CreateApiKeyInput): Promise<CreatedApiKeyDto | undefined>
  revokeApiKey(id: string): Promise<boolean>
}

/** Backend API keys: the list (never the secrets) and create / revoke. */
export const createApiKeysSlice: Slice<ApiKeysSlice> = (set, get) => ({
  apiKeys: [],
  apiKeysLoaded: false,
  async loadApiKeys() {
    const keys = await act(call('apiKeys.list', {}))
    set({ apiKeys: keys ?? get().apiKeys, apiKeysLoaded: true })
  },
  async createApiKey(input) {
    const k = await act(call('apiKeys.create', input), (x) => `API key “${x.name}” created`)
    if (k) {
      // Keep only the listed shape in the store: the key and secret stay in the dialog.
      // eslint-disable-next-line @typescript-eslint/no-unused-vars
      const { key, secret, ...listed } = k
      set({ apiKeys: [listed, ...get().apiKeys] })
    }
    return k
  },
  async revokeApiKey(id) {
    const k = await act(call('apiKeys.revoke', { id }), 'API key revoked')
    if (k) set({ apiKeys: get().apiKeys.map((x) => (x.id === id ? k : x)) })
    return k !== undefined
  },
})
