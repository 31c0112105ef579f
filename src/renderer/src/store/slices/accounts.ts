import type {
  AccountDto,
  CreateAccountInput,
  SettingsDto,
  UpdateAccountInput,
} from '@shared/accounts'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface AccountsSlice {
  accounts: AccountDto[]
  /** Installation settings (registration, token lifetime, API rate limit); null until loaded. */
  installation: SettingsDto | null
  loadAccounts(): Promise<void>
  inviteAccount(input: CreateAccountInput): Promise<AccountDto | undefined>
  updateAccount(id: string, patch: UpdateAccountInput, success: string): Promise<void>
  updateInstallation(patch: Partial<SettingsDto>): Promise<void>
}

/** Settings → Accounts: vendor accounts (invite, role, deactivate) and installation settings. */
export const createAccountsSlice: Slice<AccountsSlice> = (set, get) => ({
  accounts: [],
  installation: null,
  async loadAccounts() {
    const [accounts, installation] = await Promise.all([
      act(call('accounts.list', {})),
      act(call('settings.get', {})),
    ])
    set({ accounts: accounts ?? get().accounts, installation: installation ?? get().installation })
  },
  async inviteAccount(input) {
    const a = await act(call('accounts.create', input), (x) => `Account ${x.email} created`)
    if (a) set({ accounts: [...get().accounts, a] })
    return a
  },
  async updateAccount(id, patch, success) {
    const a = await act(call('accounts.update', { id, patch }), success)
    if (a) set({ accounts: get().accounts.map((x) => (x.id === a.id ? a : x)) })
  },
  async updateInstallation(patch) {
    const s = await act(call('settings.update', patch), 'Settings saved')
    if (s) set({ installation: s })
  },
})
