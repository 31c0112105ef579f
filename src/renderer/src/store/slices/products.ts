import type { ProductDto } from '@shared/dto'
import type { CreateProductInput, UpdateProductInput } from '@shared/schemas'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface ProductsSlice {
  products: ProductDto[]
  productsLoaded: boolean
  loadProducts(): Promise<void>
  createProduct(input: CreateProductInput): Promise<ProductDto | undefined>
  updateProduct(
    id: string,
    patch: UpdateProductInput,
    success?: string,
  ): Promise<ProductDto | undefined>
  deleteProduct(id: string): Promise<boolean>
  regenerateProductKey(id: string): Promise<string | undefined>
}

function replace(list: ProductDto[], p: ProductDto): ProductDto[] {
  return list.map((x) => (x.id === p.id ? { ...x, ...p } : x))
}

/** Products: the list every screen picks from, and their CRUD actions. */
export const createProductsSlice: Slice<ProductsSlice> = (set, get) => ({
  products: [],
  productsLoaded: false,
  async loadProducts() {
    const products = await act(call('products.list', {}))
    set({ products: products ?? get().products, productsLoaded: true })
  },
  async createProduct(input) {
    const p = await act(call('products.create', input), (x) => `Product “${x.name}” created`)
    if (p) set({ products: [...get().products, p].sort((a, b) => a.name.localeCompare(b.name)) })
    return p
  },
  async updateProduct(id, patch, success = 'Product saved') {
    const p = await act(call('products.update', { id, patch }), success)
    if (p) set({ products: replace(get().products, p) })
    return p
  },
  async deleteProduct(id) {
    const r = await act(call('products.delete', { id }), 'Product deleted')
    if (r) set({ products: get().products.filter((p) => p.id !== id) })
    return r !== undefined
  },
  async regenerateProductKey(id) {
    const r = await act(call('products.regenerateKey', { id }), 'New secret key generated')
    if (r) {
      const p = get().products.find((x) => x.id === id)
      if (p) set({ products: replace(get().products, { ...p, secret_key: r.secret_key }) })
    }
    return r?.secret_key
  },
})
