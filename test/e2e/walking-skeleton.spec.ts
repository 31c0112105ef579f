import { test, expect } from './fixtures'

test('creates a product and a license through the UI and sees them listed', async ({ app }) => {
  await expect(app.getByRole('status', { name: /Server running on http/ })).toBeVisible()

  await app.getByRole('link', { name: 'Products' }).click()
  await expect(app.getByRole('heading', { name: 'No products yet' })).toBeVisible()
  await app.getByRole('button', { name: 'New product' }).click()
  const dialog = app.getByRole('dialog', { name: 'New product' })
  await dialog.getByRole('button', { name: 'Create product' }).click()
  await expect(dialog.getByText('Name is required')).toBeVisible()
  await dialog.getByLabel('Product name').fill('PixelForge Pro')
  await dialog.getByRole('button', { name: 'Create product' }).click()
  await expect(app.getByRole('heading', { level: 1, name: 'PixelForge Pro' })).toBeVisible()
  await app.getByRole('button', { name: 'All products' }).click()
  await expect(
    app.getByRole('table', { name: 'Products' }).getByRole('row', { name: 'PixelForge Pro' }),
  ).toBeVisible()

  await app.getByRole('link', { name: 'Licenses' }).click()
  await app.getByRole('button', { name: 'Create licenses' }).first().click()
  const create = app.getByRole('dialog', { name: 'Create licenses' })
  await create.getByLabel('Customer email').fill('ada@example.com')
  await create.getByRole('button', { name: 'Create' }).click()
  const created = app.getByRole('dialog', { name: '1 new license' })
  const key = (await created.getByRole('list', { name: 'New license keys' }).textContent())!.trim()
  expect(key).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/)
  await created.getByRole('button', { name: 'Done' }).click()

  const table = app.getByRole('table', { name: 'Licenses' })
  await expect(table.getByRole('row', { name: key })).toBeVisible()
  await expect(table.getByRole('row', { name: key })).toContainText('ada@example.com')

  await app.getByRole('link', { name: 'Dashboard' }).click()
  await expect(app.getByRole('list', { name: 'Recent activity' })).toContainText('License created')
})
