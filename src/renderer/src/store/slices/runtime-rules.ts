import type {
  DomainInput,
  DomainPatch,
  InjectableDto,
  InjectableInput,
  ProductDomainDto,
} from '@shared/domains'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface RuntimeRulesSlice {
  /** Per product id: its domain rules and injectables, as last loaded. */
  productDomains: Record<string, ProductDomainDto[]>
  productInjectables: Record<string, InjectableDto[]>
  loadRuntimeRules(productId: string): Promise<void>
  addDomain(productId: string, input: DomainInput): Promise<boolean>
  updateDomain(productId: string, id: string, patch: DomainPatch): Promise<boolean>
  deleteDomain(productId: string, id: string): Promise<boolean>
  addInjectable(productId: string, input: InjectableInput): Promise<boolean>
  toggleInjectable(productId: string, id: string, is_active: boolean): Promise<boolean>
  deleteInjectable(productId: string, id: string): Promise<boolean>
  setProductPaid(id: string, paid: boolean): Promise<boolean>
}

/**
 * A product's runtime rules (issue 14): domains and environments, injectables (their
 * encrypted form only), and its paid state, which also lives on the product in the products list.
 */
export const createRuntimeRulesSlice: Slice<RuntimeRulesSlice> = (set, get) => {
  const reloadDomains = async (productId: string) => {
    const d = await act(call('products.domains.list', { product_id: productId }))
    if (d) set({ productDomains: { ...get().productDomains, [productId]: d } })
  }
  const reloadInjectables = async (productId: string) => {
    const i = await act(call('products.injectables.list', { product_id: productId }))
    if (i) set({ productInjectables: { ...get().productInjectables, [productId]: i } })
  }
  return {
    productDomains: {},
    productInjectables: {},
    async loadRuntimeRules(productId) {
      await Promise.all([reloadDomains(productId), reloadInjectables(productId)])
    },
    async addDomain(productId, domain) {
      const d = await act(
        call('products.domains.create', { product_id: productId, domain }),
        (x) => `Domain ${x.domain} added`,
      )
      if (d) await reloadDomains(productId)
      return d !== undefined
    },
    async updateDomain(productId, id, patch) {
      const d = await act(
        call('products.domains.update', { product_id: productId, id, patch }),
        'Domain saved',
      )
      if (d) await reloadDomains(productId)
      return d !== undefined
    },
    async deleteDomain(productId, id) {
      const r = await act(
        call('products.domains.delete', { product_id: productId, id }),
        'Domain removed',
      )
      if (r) await reloadDomains(productId)
      return r !== undefined
    },
    async addInjectable(productId, injectable) {
      const i = await act(
        call('products.injectables.create', { product_id: productId, injectable }),
        (x) => `Injectable “${x.title}” encrypted and saved`,
      )
      if (i) await reloadInjectables(productId)
      return i !== undefined
    },
    async toggleInjectable(productId, id, is_active) {
      const i = await act(
        call('products.injectables.update', { product_id: productId, id, patch: { is_active } }),
        is_active ? 'Injectable enabled' : 'Injectable disabled',
      )
      if (i) await reloadInjectables(productId)
      return i !== undefined
    },
    async deleteInjectable(productId, id) {
      const r = await act(
        call('products.injectables.delete', { product_id: productId, id }),
        'Injectable deleted',
      )
      if (r) await reloadInjectables(productId)
      return r !== undefined
    },
    async setProductPaid(id, has_paid) {
      const p = await act(
        call('products.setPaid', { id, has_paid }),
        has_paid ? 'Marked as paid' : 'Marked as unpaid',
      )
      if (p) set({ products: get().products.map((x) => (x.id === id ? { ...x, ...p } : x)) })
      return p !== undefined
    },
  }
}
