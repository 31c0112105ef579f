import type {
  AnalyticsDto,
  CreateOrderInput,
  CustomerDetailDto,
  CustomerDto,
  ListOrdersInput,
  OrderDto,
  OrderPage,
  OrderStatus,
} from '@shared/channels/store'
import type { SecretsDto, SellRealmConfigDto } from '@shared/channels/account'
import type {
  UpsertVariableInput,
  VariableDto,
  VariableFileValue,
  VariableScope,
} from '@shared/channels/variables'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface StoreSlice {
  orders: OrderPage | null
  orderFilter: ListOrdersInput
  loadOrders(): Promise<void>
  setOrderFilter(patch: Partial<ListOrdersInput>): void
  createOrder(input: CreateOrderInput): Promise<OrderDto | undefined>
  setOrderStatus(id: string, status: OrderStatus): Promise<OrderDto | undefined>
  refundOrder(id: string): Promise<OrderDto | undefined>

  customers: { items: CustomerDto[]; total: number } | null
  customerQuery: string
  loadCustomers(q?: string): Promise<void>
  loadCustomer(id: string): Promise<CustomerDetailDto | undefined>

  analytics: AnalyticsDto | null
  loadAnalytics(): Promise<void>

  secrets: SecretsDto | null
  loadSecrets(): Promise<void>
  regenerateSecrets(): Promise<boolean>
  sellRealmConfig: SellRealmConfigDto | null
  loadSellRealmConfig(): Promise<void>
  saveSellRealmConfig(patch: Partial<SellRealmConfigDto>): Promise<boolean>

  listVariables(scope: VariableScope): Promise<VariableDto[] | undefined>
  saveVariable(scope: VariableScope, v: UpsertVariableInput): Promise<VariableDto | undefined>
  deleteVariable(scope: VariableScope, name: string): Promise<boolean>
  variableFile(scope: VariableScope, name: string): Promise<VariableFileValue | undefined>
}

/** The store screens (orders, customers, analytics, SellRealm secrets) and variable editing. */
export const createStoreSlice: Slice<StoreSlice> = (set, get) => {
  /** A changed order: replace it in the loaded page, and refresh what depends on it. */
  const changed = (o: OrderDto | undefined) => {
    const page = get().orders
    if (o && page)
      set({ orders: { ...page, items: page.items.map((x) => (x.id === o.id ? o : x)) } })
    if (o) void get().loadProducts()
    return o
  }
  return {
    orders: null,
    orderFilter: { page: 1, limit: 50 },
    async loadOrders() {
      const page = await act(call('store.orders.list', get().orderFilter))
      if (page) set({ orders: page })
    },
    setOrderFilter(patch) {
      set({ orderFilter: { ...get().orderFilter, page: 1, ...patch } })
      void get().loadOrders()
    },
    async createOrder(input) {
      const o = await act(call('store.orders.create', input), (x) => `Order #${x.num} created`)
      if (o) await get().loadOrders()
      return changed(o)
    },
    async setOrderStatus(id, status) {
      return changed(
        await act(
          call('store.orders.setStatus', { id, status }),
          (o) => `Order #${o.num} is ${o.status}`,
        ),
      )
    },
    async refundOrder(id) {
      return changed(
        await act(
          call('store.orders.refund', { id }),
          (o) => `Order #${o.num} refunded; its keys are suspended`,
        ),
      )
    },

    customers: null,
    customerQuery: '',
    async loadCustomers(q) {
      const query = q ?? get().customerQuery
      set({ customerQuery: query })
      const page = await act(call('store.customers.list', { q: query || undefined }))
      if (page) set({ customers: { items: page.items, total: page.total } })
    },
    loadCustomer: (id) => act(call('store.customers.get', { id })),

    analytics: null,
    async loadAnalytics() {
      const a = await act(call('store.analytics', {}))
      if (a) set({ analytics: a })
    },

    secrets: null,
    async loadSecrets() {
      const s = await act(call('account.secrets', {}))
      if (s) set({ secrets: s })
    },
    async regenerateSecrets() {
      const s = await act(
        call('account.regenerateSecrets', {}),
        'New secrets generated; the old ones no longer work',
      )
      if (s) set({ secrets: s })
      return s !== undefined
    },

    sellRealmConfig: null,
    async loadSellRealmConfig() {
      const c = await act(call('sellrealm.config', {}))
      if (c) set({ sellRealmConfig: c })
    },
    async saveSellRealmConfig(patch) {
      const c = await act(call('sellrealm.updateConfig', patch), 'License API settings saved')
      if (c) set({ sellRealmConfig: c })
      return c !== undefined
    },

    listVariables: (scope) => act(call('variables.list', { scope })),
    saveVariable: (scope, variable) =>
      act(call('variables.upsert', { scope, variable }), (v) => `Variable “${v.name}” saved`),
    async deleteVariable(scope, name) {
      return (
        (await act(call('variables.delete', { scope, name }), `Variable “${name}” deleted`)) !==
        undefined
      )
    },
    variableFile: (scope, name) => act(call('variables.file', { scope, name })),
  }
}
