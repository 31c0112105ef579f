/// <reference lib="dom" />
// (functions passed to page.evaluate run in the browser)
import type { Locator, Page } from '@playwright/test'
import { test, expect, TOKEN } from './fixtures'

test.use({ signedIn: false })

/** Presses Tab until `target` has focus; returns how many presses it took. */
async function tabTo(app: Page, target: Locator, max = 25): Promise<number> {
  for (let n = 1; n <= max; n++) {
    await app.keyboard.press('Tab')
    if (await target.evaluate((el) => el === document.activeElement)) return n
  }
  throw new Error(`${max} Tabs did not reach ${target}`)
}

test('the vendor main flow works from the keyboard alone', async ({ app }) => {
  // Sign in: the token field has the cursor, Enter submits.
  await expect(app.getByLabel('Setup token')).toBeFocused()
  await app.keyboard.type(TOKEN)
  await app.keyboard.press('Enter')
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible()

  // The skip link is the first stop and lands in the screen.
  await app.keyboard.press('Tab')
  await expect(app.getByRole('link', { name: 'Skip to content' })).toBeFocused()
  await app.keyboard.press('Enter')
  await expect(app.getByRole('main')).toBeFocused()

  // A product: g p, n, the dialog's first field has the cursor, Enter creates.
  await app.keyboard.press('g')
  await app.keyboard.press('p')
  await expect(app.getByRole('heading', { level: 1, name: 'Products' })).toBeVisible()
  await app.keyboard.press('n')
  const newProduct = app.getByRole('dialog', { name: 'New product' })
  await expect(newProduct.getByLabel('Product name')).toBeFocused()
  await app.keyboard.type('Keyboard Suite')
  await app.keyboard.press('Enter')
  await expect(app.getByRole('heading', { level: 1, name: 'Keyboard Suite' })).toBeVisible()

  // Three licenses: g l, n, the dialog opens on its first field; Enter in a text field creates.
  await app.keyboard.press('g')
  await app.keyboard.press('l')
  await expect(app.getByRole('heading', { level: 1, name: 'Licenses' })).toBeVisible()
  await app.keyboard.press('n')
  const create = app.getByRole('dialog', { name: 'Create licenses' })
  await expect(create.getByLabel('Product')).toBeFocused()
  await create.getByLabel('How many').focus()
  await app.keyboard.press('Control+a')
  await app.keyboard.type('3')
  await app.keyboard.press('Enter')
  const done = app.getByRole('dialog', { name: /^3 new license/ })
  const items = done.getByRole('list', { name: 'New license keys' }).getByRole('listitem')
  await expect(items).toHaveCount(3)
  const keys = (await items.allTextContents()).map((k) => k.trim())
  await app.keyboard.press('Escape')
  await expect(done).toBeHidden()

  // The rows are one tab stop: ↓ / j / ↑ / k move between them.
  const table = app.getByRole('table', { name: 'Licenses' })
  const rows = table.getByRole('row').filter({ has: app.getByRole('cell') })
  await expect(rows).toHaveCount(3)
  await app.keyboard.press('/')
  await expect(app.getByRole('searchbox', { name: 'Search licenses' })).toBeFocused()
  const tabs = await tabTo(app, rows.first())
  expect(tabs, 'Tabs from the search box to the first row').toBeLessThanOrEqual(10)
  await app.keyboard.press('ArrowDown')
  await expect(rows.nth(1)).toBeFocused()
  await app.keyboard.press('j')
  await expect(rows.nth(2)).toBeFocused()
  await app.keyboard.press('k')
  await expect(rows.nth(1)).toBeFocused()
  await app.keyboard.press('ArrowUp')
  await expect(rows.first()).toBeFocused()
  // The ring is drawn inside the row, where the scroller cannot clip it.
  expect(await rows.first().evaluate((el) => getComputedStyle(el).outlineOffset)).toBe('-2px')

  // Find one key by search, open it with Enter: the drawer stays open.
  await app.keyboard.press('/')
  await app.keyboard.type(keys[1].slice(0, 9))
  const row = table.getByRole('row', { name: keys[1] })
  await expect(rows).toHaveCount(1)
  await tabTo(app, row)
  await app.keyboard.press('Enter')
  const drawer = app.getByRole('dialog', { name: keys[1] })
  await expect(drawer).toBeVisible()
  await app.waitForTimeout(300)
  await expect(drawer).toBeVisible()

  // Suspend it: Tab to the button, Enter; the reason dialog focuses its field, Enter confirms.
  await tabTo(app, drawer.getByRole('button', { name: 'Suspend' }))
  await app.keyboard.press('Enter')
  const ask = app.getByRole('dialog', { name: 'Suspend this license?' })
  await expect(ask.getByLabel('Reason (optional)')).toBeFocused()
  await app.keyboard.type('chargeback')
  await app.keyboard.press('Enter')
  await expect(ask).toBeHidden()
  await expect(drawer.getByRole('button', { name: 'Resume' })).toBeVisible()
  await expect(drawer).toContainText('chargeback')

  // Esc closes the drawer and gives focus back to the row, now showing the new status.
  await app.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await expect(row).toBeFocused()
  await expect(row).toContainText('suspended')
})

test('a dialog opened with n focuses its first field', async ({ app }) => {
  await app.getByLabel('Setup token').fill(TOKEN)
  await app.keyboard.press('Enter')
  await app
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Webhooks' })
    .click()
  await expect(app.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible()
  await app.keyboard.press('n')
  const dialog = app.getByRole('dialog')
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Close' })).not.toBeFocused()
  await expect(dialog.getByRole('textbox').first()).toBeFocused()
})
