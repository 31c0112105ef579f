import type { StateCreator } from 'zustand'
import type { SessionSlice } from './slices/session'
import type { UiSlice } from './slices/ui'
import type { ServerSlice } from './slices/server'
import type { ProductsSlice } from './slices/products'
import type { LicensesSlice } from './slices/licenses'
import type { ActivitySlice } from './slices/activity'
import type { DashboardSlice } from './slices/dashboard'
import type { SystemSlice } from './slices/system'
import type { AccountsSlice } from './slices/accounts'
import type { ApiKeysSlice } from './slices/apikeys'
import type { SecuritySlice } from './slices/security'
import type { WebhooksSlice } from './slices/webhooks'
import type { StoreSlice } from './slices/store'
import type { RuntimeRulesSlice } from './slices/runtime-rules'
import type { HirezSlice } from './slices/hirez'
import type { LicenseFilesSlice } from './slices/license-files'
import type { LicenseViewsSlice } from './slices/license-views'
import type { OnboardingSlice } from './slices/onboarding'

/** Every slice's state and actions, flattened into one store. */
export type AppState = SessionSlice &
  UiSlice &
  ServerSlice &
  ProductsSlice &
  LicensesSlice &
  ActivitySlice &
  DashboardSlice &
  SystemSlice &
  AccountsSlice &
  ApiKeysSlice &
  SecuritySlice &
  WebhooksSlice &
  StoreSlice &
  RuntimeRulesSlice &
  HirezSlice &
  LicenseFilesSlice &
  LicenseViewsSlice &
  OnboardingSlice

/** The type of one slice creator: it sees (and may set) the whole store. */
export type Slice<T> = StateCreator<AppState, [], [], T>
