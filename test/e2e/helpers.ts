/// <reference lib="dom" />
// (functions passed to page.evaluate run in the browser)
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

/** A screenshot of the viewport as it is (1280×800 by default) under test-results/screens/<name>.png. */
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

/** The three window sizes every screen is photographed at. */
export const SIZES = [
  { width: 1024, height: 640 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const

/**
 * At the current size: the page is no wider than the window, no element reaches past its right
 * edge unless a scroller (or clipping box) inside the window holds it, and in every visible
 * table each column header's text fits its box and no header box overlaps the next one.
 */
export async function expectFitsViewport(app: Page, where: string): Promise<void> {
  const problems = await app.evaluate(() => {
    const out: string[] = []
    const vw = window.innerWidth
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}[${(el.textContent ?? '').trim().slice(0, 40)}]`
    const shown = (el: Element) => {
      const r = el.getBoundingClientRect()
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
    }
    if (document.documentElement.scrollWidth > vw)
      out.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${vw}px window`)
    // The screen's own scroller scrolls down only: what is wider than it is cut or scrolls sideways.
    const main = document.querySelector('main')
    if (main && main.scrollWidth > main.clientWidth + 1)
      out.push(`the screen is ${main.scrollWidth}px wide in a ${main.clientWidth}px area`)
    for (const el of document.querySelectorAll('body *')) {
      if (!shown(el) || el.getBoundingClientRect().right <= vw + 1) continue
      let held = false
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (
          p !== main &&
          getComputedStyle(p).overflowX !== 'visible' &&
          p.getBoundingClientRect().right <= vw + 1
        ) {
          held = true
          break
        }
      }
      // Report the outermost offender only, not each of its descendants.
      if (!held && el.parentElement!.getBoundingClientRect().right <= vw + 1)
        out.push(`${name(el)} ends at ${Math.round(el.getBoundingClientRect().right)}px`)
    }
    for (const table of document.querySelectorAll('table,[role=table]')) {
      if (!shown(table)) continue
      const heads = [...table.querySelectorAll('th,[role=columnheader]')].filter(shown)
      heads.forEach((h, i) => {
        if (h.scrollWidth > h.clientWidth + 1) out.push(`header ${name(h)} does not fit its column`)
        const next = heads[i + 1]
        if (!next) return
        const a = h.getBoundingClientRect()
        const b = next.getBoundingClientRect()
        if (Math.abs(a.top - b.top) < 2 && a.right > b.left + 1)
          out.push(`header ${name(h)} overlaps ${name(next)}`)
      })
    }
    return out
  })
  expect(
    problems,
    `layout at ${await app.evaluate(() => window.innerWidth)}px on ${where}`,
  ).toEqual([])
}

/**
 * The screen on show, photographed at each of SIZES (`<name>-1024`, `<name>`, `<name>-1920`):
 * at 1024 its layout is checked, at 1280 axe runs. Ends at 1280×800.
 */
export async function shootSizes(app: Page, name: string, where: string): Promise<void> {
  for (const size of SIZES) {
    await app.setViewportSize(size)
    await shoot(app, size.width === 1280 ? name : `${name}-${size.width}`)
    if (size.width === 1024) await expectFitsViewport(app, where)
    if (size.width === 1280) await expectAccessible(app, where)
  }
  await app.setViewportSize(SIZES[1])
}
