import type { ProductDto, LicenseDto } from '@shared/dto'
import { act, call } from '../api'
import type { Slice } from '../types'

const DISMISSED = 'kw.onboarding.dismissed'

export interface OnboardingSlice {
  /** Whether an account exists (null until asked; the desktop console may have none). */
  hasOwner: boolean | null
  /** What the first-run walk made, so the card stays until its last step is read. */
  onboardingProduct: ProductDto | null
  onboardingKey: LicenseDto | null
  onboardingDismissed: boolean
  loadOnboarding(): Promise<void>
  createOwner(email: string, password: string): Promise<boolean>
  onboardProduct(name: string): Promise<boolean>
  onboardKey(): Promise<boolean>
  dismissOnboarding(): void
}

/** The first-run walk on the empty dashboard: owner account, product, key, snippet. */
export const createOnboardingSlice: Slice<OnboardingSlice> = (set, get) => ({
  hasOwner: null,
  onboardingProduct: null,
  onboardingKey: null,
  onboardingDismissed: localStorage.getItem(DISMISSED) === '1',

  async loadOnboarding() {
    if (!get().isAdmin) return set({ hasOwner: true })
    try {
      set({ hasOwner: (await call('accounts.list', {})).length > 0 })
    } catch {
      set({ hasOwner: true })
    }
  },
  async createOwner(email, password) {
    const a = await act(
      call('accounts.create', { email, password, role: 'admin' }),
      (x) => `Owner account ${x.email} created`,
    )
    if (a) set({ hasOwner: true })
    return a !== undefined
  },
  async onboardProduct(name) {
    const p = await get().createProduct({ name })
    if (p) set({ onboardingProduct: p })
    return p !== undefined
  },
  async onboardKey() {
    const p = get().onboardingProduct
    if (!p) return false
    const l = await act(call('licenses.create', { product_id: p.id }), 'License key issued')
    if (l) set({ onboardingKey: l })
    void get().loadDashboard()
    // The server's RSA key is generated at start; the status read at login may predate it.
    if (!get().server?.public_key) void get().loadServer()
    return l !== undefined
  },
  dismissOnboarding() {
    localStorage.setItem(DISMISSED, '1')
    set({ onboardingDismissed: true })
  },
})
