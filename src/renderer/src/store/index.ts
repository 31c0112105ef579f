import { create } from 'zustand'
import type { AppState } from './types'
import { createSessionSlice } from './slices/session'
import { createUiSlice } from './slices/ui'
import { createServerSlice } from './slices/server'
import { createProductsSlice } from './slices/products'
import { createLicensesSlice } from './slices/licenses'
import { createActivitySlice } from './slices/activity'
import { createDashboardSlice } from './slices/dashboard'
import { createSystemSlice } from './slices/system'
import { createAccountsSlice } from './slices/accounts'
import { createApiKeysSlice } from './slices/apikeys'
import { createSecuritySlice } from './slices/security'
import { createWebhooksSlice } from './slices/webhooks'
import { createStoreSlice } from './slices/store'
import { createRuntimeRulesSlice } from './slices/runtime-rules'
import { createHirezSlice } from './slices/hirez'
import { createLicenseFilesSlice } from './slices/license-files'
import { createLicenseViewsSlice } from './slices/license-views'
import { createOnboardingSlice } from './slices/onboarding'

/**
 * The console's one store, combined from slices (store/slices/*.ts). To add a slice: write
 * `createXSlice: Slice<XSlice>` in slices/x.ts, add `XSlice` to AppState in types.ts and
 * spread it here. Slices are flat; components select what they need: `useApp((s) => s.products)`.
 */
export const useApp = create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createUiSlice(...a),
  ...createServerSlice(...a),
  ...createProductsSlice(...a),
  ...createLicensesSlice(...a),
  ...createActivitySlice(...a),
  ...createDashboardSlice(...a),
  ...createSystemSlice(...a),
  ...createAccountsSlice(...a),
  ...createApiKeysSlice(...a),
  ...createSecuritySlice(...a),
  ...createWebhooksSlice(...a),
  ...createStoreSlice(...a),
  ...createRuntimeRulesSlice(...a),
  ...createHirezSlice(...a),
  ...createLicenseFilesSlice(...a),
  ...createLicenseViewsSlice(...a),
  ...createOnboardingSlice(...a),
}))

export type { AppState } from './types'
