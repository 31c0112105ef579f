import { readFileSync } from 'node:fs'
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
} from './helpers'

const day = 86_400_000
/** The drawer's date input wants YYYY-MM-DD. */
const dateIn = (days: number) => new Date(Date.now() + days * day).toISOString().slice(0, 10)

async function openLicense(app: Page, key: string) {
  await app.getByRole('searchbox', { name: 'Search licenses' }).fill(key)
  await app.getByRole('table', { name: 'Licenses' }).getByRole('row', { name: key }).click()
  return app.getByRole('dialog', { name: key })
}

async function download(app: Page, button: string): Promise<string> {
  const [d] = await Promise.all([
    app.waitForEvent('download'),
    app.getByRole('button', { name: button }).click(),
  ])
  return readFileSync((await d.path())!, 'utf8')
}

test('licenses v2: drawer edits and reasons, customer page, machines, expiring, all N matching, export', async ({
  app,
  request,
}) => {
  test.setTimeout(180_000)
  await createProduct(app, 'Atlas Pro')
  await createLicenses(app, 119)
  const [ada] = await createLicenses(app, 1, { email: 'ada@example.com' })
  const url = await serverUrl(app)
  const productId = await productIdOf(app, 'Atlas Pro')
  const act = await request.post(`${url}/api/client/activate`, {
    data: {
      license_key: ada,
      product_id: productId,
      hwid: 'ADA-LAPTOP-01',
      client_data: { platform: 'windows', app_version: '3.1.0' },
    },
  })
  expect(act.status()).toBe(200)

  // Edit in the drawer: the API's own schema refuses bad input, then the edit saves.
  await goTo(app, 'Licenses')
  let drawer = await openLicense(app, ada)
  const edit = drawer.getByRole('form', { name: 'Edit license' })
  await edit.getByLabel('Metadata (JSON object)').fill('{bad')
  await edit.getByRole('button', { name: 'Save changes' }).click()
  await expect(edit.getByRole('alert')).toHaveText('Metadata is not valid JSON')
  await edit.getByLabel('Metadata (JSON object)').fill('{"plan":"team"}')
  await edit.getByLabel('Max machines').fill('5')
  await edit.getByLabel('Expires on').fill(dateIn(10))
  await edit.getByLabel('Notes').fill('Renewal due soon')
  await edit.getByRole('button', { name: 'Save changes' }).click()
  await expect(app.getByText('License saved', { exact: true })).toBeVisible()
  await expect(drawer.getByRole('heading', { name: 'Machines (1 of 5)' })).toBeVisible()
  await expect(drawer.getByText('{"plan":"team"}')).toBeVisible()
  // The timeline names the machine of the activation.
  const activity = drawer.getByRole('list', { name: 'License activity' })
  await expect(activity).toContainText('machine ADA-LAPTOP-01')
  // Last seen and heartbeat shown together, from the same record.
  await expect(drawer.getByRole('list', { name: 'Machines' })).toContainText('last seen')
  await expect(drawer.getByRole('list', { name: 'Machines' })).toContainText('v3.1.0')

  // Suspend with a reason: kept with the license and shown in the timeline.
  await drawer.getByRole('button', { name: 'Suspend' }).click()
  const ask = app.getByRole('dialog', { name: 'Suspend this license?' })
  await ask.getByLabel('Reason (optional)').fill('Chargeback opened')
  await expectAccessible(app, 'suspend reason dialog')
  await ask.getByRole('button', { name: 'Suspend' }).click()
  await expect(app.getByText('License suspended', { exact: true })).toBeVisible()
  await expect(activity).toContainText('Reason: Chargeback opened')
  await expect(drawer.getByText('Chargeback opened').first()).toBeVisible()
  await expectAccessible(app, 'license drawer with edit form')
  await drawer.getByRole('button', { name: 'Resume' }).click()
  await expect(app.getByText('License resumed', { exact: true })).toBeVisible()

  // The customer link opens the customer page: licenses, machines, orders, notes.
  await drawer.getByRole('link', { name: 'ada@example.com' }).click()
  await expect(app.getByRole('heading', { level: 1, name: 'ada@example.com' })).toBeVisible()
  await expect(app.getByRole('table', { name: 'Customer licenses' })).toContainText(ada)
  await expect(app.getByRole('table', { name: 'Customer machines' })).toContainText('ADA-LAPTOP-01')
  await app.getByRole('textbox', { name: 'Your notes on this customer' }).fill('Pays by invoice, net 30')
  await app.getByRole('button', { name: 'Save notes' }).click()
  await expect(app.getByText('Notes saved', { exact: true })).toBeVisible()
  await app.reload()
  await expect(app.getByRole('textbox', { name: 'Your notes on this customer' })).toHaveValue('Pays by invoice, net 30')
  await expectAccessible(app, 'customer page')

  // The machines view across licenses, searchable.
  await goTo(app, 'Machines')
  const machines = app.getByRole('table', { name: 'Machines' })
  await expect(machines).toContainText('ADA-LAPTOP-01')
  await expect(machines).toContainText('3.1.0')
  await expect(machines).toContainText('windows')
  await app.getByRole('searchbox', { name: 'Search machines' }).fill('NO-SUCH-HW')
  await expect(app.getByText('No machines match')).toBeVisible()
  await app.getByRole('searchbox', { name: 'Search machines' }).fill('ADA')
  await expect(machines).toContainText('ADA-LAPTOP-01')
  await expectAccessible(app, 'machines view')

  // Expiring in 30 days: only the key edited to expire in 10 days.
  await goTo(app, 'Expiring soon')
  await expect(app.getByRole('heading', { level: 1, name: 'Expiring in 30 days' })).toBeVisible()
  await expect(app.getByText('1–1 of 1 licenses')).toBeVisible()
  await expect(app.getByRole('table', { name: 'Licenses' })).toContainText(ada)
  await expectAccessible(app, 'expiring view')

  // Select all 120 matching (beyond the 50 on screen) and suspend them, with a reason.
  await goTo(app, 'Licenses')
  await expect(app.getByText(/of 120 licenses/)).toBeVisible()
  await app.getByRole('combobox', { name: 'Rows per page' }).selectOption('50')
  await expect(app.getByText('1–50 of 120 licenses')).toBeVisible()
  await app.getByRole('checkbox', { name: 'Select all rows on this page' }).check()
  await app.getByRole('button', { name: 'Select all 120 matching' }).click()
  await expect(app.getByText('All 120 matching licenses selected')).toBeVisible()
  await app
    .getByRole('region', { name: 'Bulk actions' })
    .getByRole('button', { name: 'Suspend' })
    .click()
  const bulk = app.getByRole('dialog', { name: 'Suspend all 120 licenses?' })
  await bulk.getByLabel('Reason (optional)').fill('Reseller stopped paying')
  await bulk.getByRole('button', { name: 'Suspend all 120 licenses' }).click()
  await expect(app.getByText('120 licenses updated', { exact: true })).toBeVisible()
  // Jump to the last page: its rows were suspended too.
  await app.getByRole('textbox', { name: 'Go to page (1 to 3)' }).fill('3')
  await app.getByRole('textbox', { name: 'Go to page (1 to 3)' }).press('Enter')
  await expect(app.getByText('101–120 of 120 licenses')).toBeVisible()
  await expect(
    app.getByRole('table', { name: 'Licenses' }).getByText('active', { exact: true }),
  ).toHaveCount(0)

  // Export of the whole filtered set: every row and a header.
  const csv = (await download(app, 'Export CSV')).trim().split(/\r?\n/)
  expect(csv[0]).toContain('license_key')
  expect(csv).toHaveLength(121)
  const json = JSON.parse(await download(app, 'Export JSON')) as { status: string }[]
  expect(json).toHaveLength(120)
  expect(json.every((r) => r.status === 'suspended')).toBe(true)

  // Photographs of the new screens, both themes, 1280x800 (ada's key active again, so the
  // expiring view has its row).
  drawer = await openLicense(app, ada)
  await drawer.getByRole('button', { name: 'Resume' }).click()
  await expect(app.getByText('License resumed', { exact: true })).toBeVisible()
  await app.keyboard.press('Escape')
  for (const theme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' })
    await goTo(app, 'Licenses')
    drawer = await openLicense(app, ada)
    await expect(drawer.getByRole('form', { name: 'Edit license' })).toBeVisible()
    await shoot(app, `${theme}-licenses-v2-drawer`)
    await drawer.getByRole('link', { name: 'ada@example.com' }).click()
    await expect(app.getByRole('heading', { level: 1, name: 'ada@example.com' })).toBeVisible()
    await shoot(app, `${theme}-licenses-v2-customer`)
    await goTo(app, 'Machines')
    await expect(app.getByRole('table', { name: 'Machines' })).toBeVisible()
    await shoot(app, `${theme}-licenses-v2-machines`)
    await goTo(app, 'Expiring soon')
    await app.getByRole('searchbox', { name: 'Search licenses' }).fill('')
    await expect(app.getByRole('table', { name: 'Licenses' })).toContainText(ada)
    await shoot(app, `${theme}-licenses-v2-expiring`)
    await goTo(app, 'Licenses')
    await app.getByRole('searchbox', { name: 'Search licenses' }).fill('')
    await expect(app.getByText('1–50 of 120 licenses')).toBeVisible()
    await app.getByRole('checkbox', { name: 'Select all rows on this page' }).check()
    await expect(app.getByRole('button', { name: /^Select all \d+ matching/ })).toBeVisible()
    await shoot(app, `${theme}-licenses-v2-select-all`)
    await app.getByRole('button', { name: 'Clear selection' }).click()
  }
})
