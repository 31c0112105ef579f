import type { Page } from '@playwright/test'
import { test, expect } from './fixtures'
import {
  createLicenses,
  createProduct,
  expectAccessible,
  goTo,
  productIdOf,
  serverUrl,
  shoot,
  shootSizes,
  SIZES,
} from './helpers'

/**
 * Every screen in the sidebar (add new screens here: they get screenshots at three sizes, a
 * layout check at 1024 px and an axe check at 1280 px).
 */
/** Screens with sub-tabs: each tab is photographed and checked like a screen. */
const TABS: Record<string, string[]> = {
  'Customers & orders': ['Customers', 'Price & stock', 'Analytics', 'API secrets'],
}

async function openLicense(app: Page, key: string) {
  await app.getByRole('searchbox', { name: 'Search licenses' }).fill(key)
  await app.getByRole('table', { name: 'Licenses' }).getByRole('row', { name: key }).click()
  const drawer = app.getByRole('dialog', { name: key })
  await expect(drawer).toBeVisible()
  return drawer
}

const SCREENS = [
  'Dashboard',
  'Products',
  'Licenses',
  'Machines',
  'Expiring soon',
  'Customers & orders',
  'Security',
  'Sessions',
  'Webhooks',
  'API keys',
  'Developers',
  'Settings',
]

for (const theme of ['light', 'dark'] as const) {
  test(`every screen renders, passes axe and is photographed (${theme})`, async ({
    app,
    request,
  }) => {
    // Two dozen screens, each photographed at three sizes and checked: one page, one server.
    test.setTimeout(360_000)
    await app.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' })
    // Empty states first: what a new vendor sees, the first-run card on the dashboard...
    await goTo(app, 'Dashboard')
    const firstRun = app.getByRole('region', { name: 'Getting started' })
    await expect(firstRun).toBeVisible()
    await shootSizes(app, `${theme}-first-run`, 'first-run card')
    // ...which, once dismissed, stays away (even while the server is still empty).
    await firstRun.getByRole('button', { name: 'Dismiss getting started' }).click()
    await expect(firstRun).toHaveCount(0)
    await app.reload()
    await expect(app.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
    await expect(firstRun).toHaveCount(0)
    await goTo(app, 'Products')
    await expect(app.getByRole('heading', { name: 'No products yet' })).toBeVisible()
    await shoot(app, `${theme}-products-empty`)

    await createProduct(app, 'PixelForge Pro')
    await shoot(app, `${theme}-product-detail`)
    await expectAccessible(app, 'product detail')
    await createProduct(app, 'Sonar Studio')
    const keys = await createLicenses(app, 24, {
      email: 'studio@example.com',
      metadata: '{"plan":"pro"}',
      expiry: '1 year',
    })
    // An app activates one key, so the dashboard and the drawer have real activity to show.
    const url = await serverUrl(app)
    const productId = await productIdOf(app, 'PixelForge Pro')
    const activated = await request.post(`${url}/api/client/activate`, {
      data: { license_key: keys[0], product_id: productId, hwid: 'WS-4471-ALPHA' },
    })
    expect(activated.ok(), await activated.text()).toBe(true)
    // A brute-force sweep (20 guessed keys from one machine, the default threshold) and the
    // block's hits, so Security has an incident and events with data.
    const sweep = (key: string) =>
      request.post(`${url}/api/client/activate`, {
        data: { license_key: key, product_id: productId, hwid: 'ATTACKER-HW' },
      })
    for (let i = 0; i < 20; i++) await sweep(`GUESS-${i}-AAAA-BBBB`)
    for (let i = 0; i < 3; i++) expect((await sweep(keys[2])).status()).toBe(403)
    // One key edited in the drawer to expire in 10 days, so Expiring soon has a row.
    await goTo(app, 'Licenses')
    const drawer = await openLicense(app, keys[1])
    const edit = drawer.getByRole('form', { name: 'Edit license' })
    await edit
      .getByLabel('Expires on')
      .fill(new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10))
    await edit.getByRole('button', { name: 'Save changes' }).click()
    await expect(app.getByText('License saved', { exact: true })).toBeVisible()
    await app.keyboard.press('Escape')
    await expect(drawer).toBeHidden()
    await app.getByRole('searchbox', { name: 'Search licenses' }).fill('')
    await expect(app.getByText(/ of 24 licenses/)).toBeVisible()
    // An order and an API key, so their tables (and Actions columns) are on the photos.
    await goTo(app, 'Customers & orders')
    await app.getByRole('button', { name: 'New order' }).click()
    const order = app.getByRole('dialog', { name: 'New order' })
    await order.getByLabel('Customer email').fill('a-rather-long-customer-address@example.com')
    await order.getByRole('button', { name: 'Create order' }).click()
    await expect(app.getByRole('table', { name: 'Orders' })).toContainText('a-rather-long')
    await goTo(app, 'API keys')
    await app.getByRole('button', { name: 'New API key' }).first().click()
    const form = app.getByRole('dialog', { name: 'New API key' })
    await form.getByLabel('Name', { exact: true }).fill('Payment webhook')
    await form.getByRole('button', { name: 'Create key' }).click()
    await app
      .getByRole('dialog', { name: 'Copy your API key now' })
      .getByRole('button', { name: 'I have stored them' })
      .click()
    await goTo(app, 'Products')

    const slug = (s: string) => s.toLowerCase().replace(/[^a-z]+/g, '-')
    for (const s of SCREENS) {
      await goTo(app, s)
      await expect(app.getByRole('main')).not.toContainText('This screen ran into a problem')
      await shootSizes(app, `${theme}-${slug(s)}`, s)
      for (const tab of TABS[s] ?? []) {
        await app.getByRole('tab', { name: tab }).click()
        await expect(app.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true')
        await expect(app.getByRole('main')).not.toContainText('This screen ran into a problem')
        await shootSizes(app, `${theme}-${slug(s)}-${slug(tab)}`, `${s} › ${tab}`)
      }
    }

    await goTo(app, 'Security')
    await expect(
      app
        .getByRole('region', { name: 'Incidents table' })
        .getByRole('row', { name: /Brute force/ }),
    ).toContainText('ATTACKER-HW')
    // The incident's actions are on screen, not behind the table's sideways scroll.
    for (const size of [SIZES[0], SIZES[1]]) {
      await app.setViewportSize(size)
      await expect(
        app.getByRole('button', { name: 'Unblock HWID ATTACKER-HW' }).first(),
      ).toBeInViewport()
    }
    await app.getByRole('table', { name: 'Security events' }).getByRole('row').nth(1).click()
    await expect(app.getByRole('dialog')).toContainText('ATTACKER-HW')
    await shootSizes(app, `${theme}-security-event-drawer`, 'security event drawer')
    await app.keyboard.press('Escape')

    await goTo(app, 'Licenses')
    const drawer0 = await openLicense(app, keys[0])
    await expect(drawer0).toBeVisible()
    await shootSizes(app, `${theme}-license-drawer`, 'license drawer')
    await drawer0.getByRole('form', { name: 'Edit license' }).scrollIntoViewIfNeeded()
    await shootSizes(app, `${theme}-license-drawer-edit`, 'license drawer edit form')
    await drawer0.getByRole('link', { name: 'studio@example.com' }).click()
    await expect(app.getByRole('heading', { level: 1, name: 'studio@example.com' })).toBeVisible()
    await expect(app.getByRole('table', { name: 'Customer machines' })).toContainText(
      'WS-4471-ALPHA',
    )
    await shootSizes(app, `${theme}-customer-page`, 'customer page')
    await goTo(app, 'Licenses')

    await app.getByRole('button', { name: 'Create licenses' }).first().click()
    await shoot(app, `${theme}-create-licenses`)
    await expectAccessible(app, 'create licenses dialog')
    await app.keyboard.press('Escape')

    await app.keyboard.press('Control+k')
    await app.getByRole('combobox', { name: 'Command palette' }).fill(keys[1].slice(0, 9))
    await expect(app.getByRole('option', { name: new RegExp(keys[1]) })).toBeVisible()
    await shoot(app, `${theme}-command-palette`)
    await app.keyboard.press('Escape')

    await app.keyboard.press('?')
    await expect(app.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
    await shoot(app, `${theme}-shortcuts`)
  })
}
