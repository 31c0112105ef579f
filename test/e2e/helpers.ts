import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const SCREENS_DIR = join(import.meta.dirname, '../../test-results/screens')

/** The URL the console says the server listens on (the sidebar's status indicator). */
export async function serverUrl(app: Page): Promise<string> {
  const label = await app
    .getByRole('status', { name: /Server running on/ })
    .getAttribute('aria-label')
  return /on (http\S+)/.exec(label ?? '')![1]
}

export async function goTo(app: Page, screen: string): Promise<void> {
  await app
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: screen, exact: true })
    .click()
  await expect(app.getByRole('heading', { level: 1 })).toBeVisible()
}

export async function createProduct(app: Page, name: string): Promise<void> {
  await goTo(app, 'Products')
  await app.getByRole('button', { name: 'New product' }).click()
  const dialog = app.getByRole('dialog', { name: 'New product' })
  await dialog.getByLabel('Product name').fill(name)
  await dialog.getByRole('button', { name: 'Create product' }).click()
  await expect(app.getByRole('heading', { level: 1, name })).toBeVisible()
}

/** Creates `count` licenses from the Licenses screen; returns the new keys. */
export async function createLicenses(
  app: Page,
  count: number,
  opts: { email?: string; metadata?: string; expiry?: string } = {},
): Promise<string[]> {
  await goTo(app, 'Licenses')
  await app.getByRole('button', { name: 'Create licenses' }).first().click()
  const create = app.getByRole('dialog', { name: 'Create licenses' })
  await create.getByLabel('How many').fill(String(count))
  if (opts.email) await create.getByLabel('Customer email').fill(opts.email)
  if (opts.metadata) await create.getByLabel('Metadata (JSON)').fill(opts.metadata)
  if (opts.expiry) await create.getByLabel('Expires').selectOption({ label: opts.expiry })
  await create.getByRole('button', { name: 'Create' }).click()
  const done = app.getByRole('dialog', { name: new RegExp(`^${count} new license`) })
  const items = done.getByRole('list', { name: 'New license keys' }).getByRole('listitem')
  // allTextContents() does not wait: wait until every new key is on screen first.
  await expect(items).toHaveCount(count)
  const keys = (
    await done
      .getByRole('list', { name: 'New license keys' })
      .getByRole('listitem')
      .allTextContents()
  ).map((k) => k.trim())
  await done.getByRole('button', { name: 'Done' }).click()
  return keys
}

/** Fails on serious or critical accessibility violations (axe-core), listing them. */
export async function expectAccessible(app: Page, where: string): Promise<void> {
  const r = await new AxeBuilder({ page: app }).analyze()
  const bad = r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    )
  expect(bad, `axe on ${where}`).toEqual([])
}

/** A 1280×800 screenshot under test-results/screens/<name>.png. */
export async function shoot(app: Page, name: string): Promise<void> {
  mkdirSync(SCREENS_DIR, { recursive: true })
  // Let charts and toasts settle so the picture shows the screen, not a transition.
  await app.waitForTimeout(400)
  await app.screenshot({ path: join(SCREENS_DIR, `${name}.png`) })
}

/** Opens a product from the Products list and reads its id from the URL (#/products/<id>). */
export async function productIdOf(app: Page, name: string): Promise<string> {
  await goTo(app, 'Products')
  await app.getByRole('table', { name: 'Products' }).getByRole('row', { name }).click()
  await expect(app.getByRole('heading', { level: 1, name })).toBeVisible()
  return decodeURIComponent(new URL(app.url()).hash.split('/')[2])
}
