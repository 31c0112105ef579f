import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import { expectAccessible, goTo, serverUrl, shoot } from './helpers'

/** The console RPC from inside the page (its session cookie and CSRF token), for seeding. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers checked by the assertions
async function rpc(app: Page, channel: string, body: unknown = {}): Promise<any> {
  return app.evaluate(
    async ([channel, body]) => {
      const s = (await (await fetch('/console/session')).json()) as { data: { csrf: string } }
      const r = await fetch(`/console/rpc/${channel}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.data.csrf },
        body: JSON.stringify(body),
      })
      const j = (await r.json()) as { ok: boolean; data: unknown }
      if (!j.ok) throw new Error(`${channel}: ${JSON.stringify(j)}`)
      return j.data
    },
    [channel, body] as const,
  )
}

async function bothThemes(app: Page, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' })
    await shoot(app, `${theme}-${name}`)
  }
  await app.emulateMedia({ colorScheme: 'light' })
}

test('dashboard and analytics show both currencies and the same activation count', async ({
  app,
  request,
}) => {
  await app.setViewportSize({ width: 1280, height: 800 })
  const url = await serverUrl(app)
  const eur = await rpc(app, 'products.create', {
    name: 'Euro App',
    price_cents: 1000,
    currency: 'EUR',
  })
  const usd = await rpc(app, 'products.create', {
    name: 'Dollar App',
    price_cents: 700,
    currency: 'USD',
  })
  for (const [p, quantity] of [
    [eur, 3],
    [usd, 3],
  ] as const) {
    const o = await rpc(app, 'store.orders.create', {
      customer_email: 'buyer@example.com',
      product_id: p.id,
      quantity,
    })
    await rpc(app, 'store.orders.setStatus', { id: o.id, status: 'paid' })
  }
  const { licenses } = await rpc(app, 'licenses.bulkCreate', { product_id: eur.id, count: 4 })
  for (const [i, l] of licenses.entries()) {
    const r = await request.post(`${url}/api/client/activate`, {
      data: { license_key: l.license_key, product_id: eur.id, hwid: `HW-${i}` },
    })
    expect(r.status()).toBe(200)
  }

  await goTo(app, 'Dashboard')
  const acts = app.getByRole('region', { name: 'Activations' })
  await expect(acts.getByRole('list', { name: 'Revenue, last 30 days' })).toContainText('€30.00')
  await expect(acts.getByRole('list', { name: 'Revenue, last 30 days' })).toContainText('$21.00')
  await expect(acts).toContainText('Activations, last 30 days4')
  await expectAccessible(app, 'dashboard with two currencies')
  await bothThemes(app, 'dashboard-numbers')

  await goTo(app, 'Customers & orders')
  await app.getByRole('tab', { name: 'Analytics' }).click()
  const totals = app.getByRole('definition').filter({ hasText: '€' })
  await expect(totals).toContainText('€30.00')
  await expect(totals).toContainText('$21.00')
  await expect(app.getByText('Activations, last 30 days')).toBeVisible()
  await expect(
    app.locator('dt', { hasText: 'Activations, last 30 days' }).locator('xpath=../dd'),
  ).toHaveText('4')
  await expect(app.getByRole('heading', { name: 'Revenue per day (EUR)' })).toBeVisible()
  await app.getByRole('combobox', { name: 'Currency' }).selectOption('USD')
  await expect(app.getByRole('heading', { name: 'Revenue per day (USD)' })).toBeVisible()
  await expectAccessible(app, 'analytics with two currencies')
  await bothThemes(app, 'store-analytics-numbers')
})

test('security shows the brute-force incident, unblocks it from the UI; the feed collapses hits', async ({
  app,
  request,
}) => {
  await app.setViewportSize({ width: 1280, height: 800 })
  const url = await serverUrl(app)
  const p = await rpc(app, 'products.create', { name: 'Guarded App' })
  const [good] = (await rpc(app, 'licenses.bulkCreate', { product_id: p.id, count: 1 })).licenses
  const activate = (key: string) =>
    request.post(`${url}/api/client/activate`, {
      data: { license_key: key, product_id: p.id, hwid: 'ATTACKER-HW' },
    })
  // 20 guessed keys from one machine (the default threshold) block its HWID...
  for (let i = 0; i < 20; i++) await activate(`GUESS-${i}-AAAA-BBBB`)
  // ...and its next five tries, even with a real key, are refused by the block.
  for (let i = 0; i < 5; i++) expect((await activate(good.license_key)).status()).toBe(403)

  await goTo(app, 'Security')
  const incidents = app.getByRole('region', { name: 'Incidents table' })
  await expect(incidents.getByRole('row', { name: /Brute force/ })).toContainText('ATTACKER-HW')
  const hits = incidents.getByRole('row', { name: /Blacklist hit/ })
  await expect(hits).toContainText('×5')
  await expect(hits).toContainText(/blocked\s*until/)
  await expectAccessible(app, 'security incidents')
  await bothThemes(app, 'security-incidents')

  // The event drawer: every field of one event.
  await app.getByRole('table', { name: 'Security events' }).getByRole('row').nth(1).click()
  const drawer = app.getByRole('dialog')
  await expect(drawer).toContainText('ATTACKER-HW')
  await expectAccessible(app, 'security event drawer')
  await shoot(app, 'light-security-event-drawer')
  await app.keyboard.press('Escape')

  await hits.getByRole('button', { name: 'Unblock HWID ATTACKER-HW' }).click()
  await expect(hits).toContainText('not blocked')
  expect((await activate(good.license_key)).status()).toBe(200)
  // Allow-listed: detection leaves this machine alone from now on.
  const brute = incidents.getByRole('row', { name: /Brute force/ })
  await brute.getByRole('button', { name: 'Allow-list HWID ATTACKER-HW' }).click()
  await expect(brute).toContainText('allow-listed')
  for (let i = 0; i < 20; i++) await activate(`AGAIN-${i}-AAAA-BBBB`)
  expect((await activate(good.license_key)).status()).toBe(200)

  await goTo(app, 'Dashboard')
  await expect(app.getByRole('list', { name: 'Recent activity' })).toContainText(
    'Blacklist hit ×5 from 127.0.0.1',
  )
})

test('first run: owner account, product, key, snippet copied and working', async ({
  app,
  context,
}) => {
  await app.setViewportSize({ width: 1280, height: 800 })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const url = await serverUrl(app)
  await goTo(app, 'Dashboard')
  const card = app.getByRole('region', { name: 'Getting started' })
  await expect(card).toBeVisible()
  await expectAccessible(app, 'first run')
  await bothThemes(app, 'first-run-owner')

  await card.getByLabel('Owner email').fill('owner@example.com')
  await card.getByLabel('Owner password').fill('correct horse battery')
  await card.getByRole('button', { name: 'Create owner account' }).click()
  await card.getByLabel('Product name').fill('My Editor')
  await card.getByRole('button', { name: 'Create product' }).click()
  await card.getByRole('button', { name: 'Issue a key for My Editor' }).click()
  const snippet = card.getByLabel('Integration snippet')
  await expect(snippet).toContainText(`${url}/api/client/activate`)
  await expectAccessible(app, 'first run snippet')
  await bothThemes(app, 'first-run-snippet')

  await card.getByRole('button', { name: 'Copy curl snippet' }).click()
  type Clip = { navigator: { clipboard: { readText(): Promise<string> } } }
  const curl = await app.evaluate(() =>
    (globalThis as unknown as Clip).navigator.clipboard.readText(),
  )
  expect(curl).toContain('product_id')
  const out = await promisify(execFile)('sh', ['-c', curl])
  expect(JSON.parse(out.stdout)).toMatchObject({ success: true, data: { activated: true } })

  await card.getByRole('tab', { name: 'Node' }).click()
  await expect(snippet).toContainText('BEGIN PUBLIC KEY')
  await card.getByRole('button', { name: 'Done' }).click()
  await expect(card).toHaveCount(0)
  await app.reload()
  await expect(app.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await expect(app.getByRole('region', { name: 'Getting started' })).toHaveCount(0)
})
