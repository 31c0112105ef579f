import { test, expect } from './fixtures'
import { createLicenses, createProduct, goTo } from './helpers'

test('narrow windows fold the sidebar and hide low-priority columns; both choices are remembered', async ({
  app,
}) => {
  await createProduct(app, 'Layout App')
  await createLicenses(app, 2)
  const nav = app.getByRole('navigation', { name: 'Main' })
  const table = app.getByRole('table', { name: 'Licenses' })
  const header = (name: string) => table.getByRole('columnheader', { name, exact: true })

  await app.setViewportSize({ width: 1024, height: 640 })
  // Folded to icons: the links keep their names (aria-label and tooltip).
  await expect(nav.getByRole('link', { name: 'Licenses' })).toHaveAttribute('title', 'Licenses')
  await expect.poll(async () => (await nav.boundingBox())!.width).toBeLessThan(80)
  await expect(header('Type')).toHaveCount(0)
  await expect(header('Machines')).toHaveCount(0)

  // The Columns menu brings one back, and it stays after a reload.
  await table.getByRole('button', { name: 'Choose columns' }).click()
  await app.getByRole('menuitemcheckbox', { name: 'Type' }).click()
  await app.keyboard.press('Escape')
  await expect(header('Type')).toBeVisible()
  await expect(header('Machines')).toHaveCount(0)

  // The toggle opens the sidebar at this width too, remembered.
  await nav.getByRole('button', { name: 'Expand the sidebar' }).click()
  await expect.poll(async () => (await nav.boundingBox())!.width).toBeGreaterThan(200)
  await app.reload()
  await expect(nav).toBeVisible()
  await goTo(app, 'Licenses')
  await expect.poll(async () => (await nav.boundingBox())!.width).toBeGreaterThan(200)
  await expect(header('Type')).toBeVisible()

  // Wide again: every column, and the remembered sidebar choice still holds when folded.
  await app.setViewportSize({ width: 1920, height: 1080 })
  await expect(header('Machines')).toBeVisible()
  await nav.getByRole('button', { name: 'Collapse the sidebar to icons' }).click()
  await expect.poll(async () => (await nav.boundingBox())!.width).toBeLessThan(80)
})

test('a cell cut off by its column shows its whole text as a tooltip; times are relative', async ({
  app,
}) => {
  await createProduct(app, 'A product with a name far too long to fit its column in the table')
  await createLicenses(app, 1, { email: 'someone-with-a-long-address@example.com' })
  await app.setViewportSize({ width: 1024, height: 640 })
  const table = app.getByRole('table', { name: 'Licenses' })
  const cell = table.getByRole('cell', { name: /far too long/ })
  await cell.hover()
  await expect(cell).toHaveAttribute('title', /far too long to fit its column in the table$/)

  await goTo(app, 'Customers & orders')
  await app.getByRole('button', { name: 'New order' }).click()
  const order = app.getByRole('dialog', { name: 'New order' })
  await order.getByLabel('Customer email').fill('buyer@example.com')
  await order.getByRole('button', { name: 'Create order' }).click()
  const time = app.getByRole('table', { name: 'Orders' }).locator('time').first()
  await expect(time).toHaveText(/ago|just now/)
  await expect(time).toHaveAttribute('title', /\d{4}/)
})
