import type { Page } from '@shared/dto'
import type {
  CreateWebhookInput,
  DeliveryDto,
  UpdateWebhookInput,
  WebhookDto,
  WebhookTestResult,
} from '@shared/channels/webhooks'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface WebhooksSlice {
  webhooks: WebhookDto[]
  webhooksLoaded: boolean
  /** The delivery log of the webhook whose log is open. */
  deliveries: { webhookId: string; page: Page<DeliveryDto> } | null
  loadWebhooks(): Promise<void>
  createWebhook(input: CreateWebhookInput): Promise<WebhookDto | undefined>
  updateWebhook(id: string, patch: UpdateWebhookInput): Promise<WebhookDto | undefined>
  deleteWebhook(id: string): Promise<void>
  testWebhook(id: string): Promise<WebhookTestResult | undefined>
  /** A new secret (in the answer, once); the previous one signs too for `overlapHours`. */
  rotateWebhookSecret(id: string, overlapHours: number): Promise<WebhookDto | undefined>
  loadDeliveries(webhookId: string, page?: number): Promise<void>
  redeliver(deliveryId: string): Promise<void>
}

/** Webhook endpoints, test sends and the delivery log. */
export const createWebhooksSlice: Slice<WebhooksSlice> = (set, get) => ({
  webhooks: [],
  webhooksLoaded: false,
  deliveries: null,
  async loadWebhooks() {
    const list = await act(call('webhooks.list', {}))
    set({ webhooks: list ?? get().webhooks, webhooksLoaded: true })
  },
  async createWebhook(input) {
    const w = await act(call('webhooks.create', input), 'Webhook created')
    if (w) void get().loadWebhooks()
    return w
  },
  async updateWebhook(id, patch) {
    const w = await act(call('webhooks.update', { id, patch }), 'Webhook saved')
    if (w) void get().loadWebhooks()
    return w
  },
  async deleteWebhook(id) {
    if (await act(call('webhooks.delete', { id }), 'Webhook deleted')) {
      set({ webhooks: get().webhooks.filter((w) => w.id !== id) })
      if (get().deliveries?.webhookId === id) set({ deliveries: null })
    }
  },
  async testWebhook(id) {
    const r = await act(call('webhooks.test', { id }))
    // The test is logged like any delivery: the list's "last delivery" moves too.
    void get().loadWebhooks()
    if (get().deliveries?.webhookId === id) void get().loadDeliveries(id)
    return r
  },
  async rotateWebhookSecret(id, overlapHours) {
    const w = await act(
      call('webhooks.rotateSecret', { id, overlap_hours: overlapHours }),
      'Secret rotated',
    )
    if (w) void get().loadWebhooks()
    return w
  },
  async loadDeliveries(webhookId, page = 1) {
    const p = await act(call('webhooks.deliveries', { id: webhookId, page, limit: 50 }))
    if (p) set({ deliveries: { webhookId, page: p } })
  },
  async redeliver(deliveryId) {
    const d = await act(call('webhooks.redeliver', { id: deliveryId }), (x) =>
      x.status === 'delivered' ? 'Delivered again' : 'Queued for redelivery',
    )
    if (d) void get().loadDeliveries(d.webhook_id, get().deliveries?.page.page ?? 1)
  },
})
