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

test('floating seats: set a product to 2 floating seats, two machines take them, the console shows 2 / 2 live', async ({
  app,
  request,
}) => {
  await createProduct(app, 'Float Studio')
  // The product's seat policy, edited in its form (validated with the server's schema).
  const form = app.getByRole('form', { name: 'Seat policy' })
  await form.getByLabel('Mode').selectOption('floating')
  await form.getByLabel('Floating seats').fill('0')
  await form.getByRole('button', { name: 'Save seat policy' }).click()
  await expect(form.getByRole('alert')).toContainText('Too small')
  await form.getByLabel('Floating seats').fill('2')
  await form.getByRole('button', { name: 'Save seat policy' }).click()
  await expect(app.getByText('Seat policy saved')).toBeVisible()
  await shoot(app, 'policies-product-form')

  const [key] = await createLicenses(app, 1)
  const url = await serverUrl(app)
  const productId = await productIdOf(app, 'Float Studio')

  await goTo(app, 'Licenses')
  const table = app.getByRole('table', { name: 'Licenses' })
  await expect(table.getByRole('row', { name: key })).toContainText('0/2 seats')
  await table.getByRole('row', { name: key }).click()
  const drawer = app.getByRole('dialog', { name: key })
  await expect(drawer.getByLabel('Seats in use')).toHaveText('0 / 2 seats')

  // Two machines activate over HTTP while the drawer is open: it follows the event stream.
  for (const hwid of ['STUDIO-PC-1', 'STUDIO-PC-2']) {
    const r = await request.post(`${url}/api/client/activate`, {
      data: { license_key: key, product_id: productId, hwid },
    })
    expect(r.ok()).toBe(true)
  }
  await expect(drawer.getByLabel('Seats in use')).toHaveText('2 / 2 seats')
  await expect(drawer.getByRole('list', { name: 'Machines' })).toContainText('STUDIO-PC-2')
  const third = await request.post(`${url}/api/client/activate`, {
    data: { license_key: key, product_id: productId, hwid: 'STUDIO-PC-3' },
  })
  expect((await third.json()).message).toBe('All floating seats are in use')
  await shoot(app, 'policies-license-drawer')
  await expectAccessible(app, 'license drawer with seats')

  // The license's own override: one seat more than its product, with validation.
  const override = drawer.getByRole('form', { name: 'License policy override' })
  await override.getByLabel('Overage').fill('0.5')
  await override.getByRole('button', { name: 'Save override' }).click()
  await expect(override.getByRole('alert')).toBeVisible()
  await override.getByLabel('Overage').fill('')
  await override.getByLabel('Floating seats').fill('3')
  await override.getByRole('button', { name: 'Save override' }).click()
  await expect(app.getByText('License policy saved')).toBeVisible()
  await expect(drawer.getByLabel('Seats in use')).toHaveText('2 / 3 seats')
  await expect(drawer.getByText('overridden')).toBeVisible()
  await shoot(app, 'policies-license-override')

  await app.keyboard.press('Escape')
  await expect(table.getByRole('row', { name: key })).toContainText('2/3 seats')
  await shoot(app, 'policies-licenses-list')
})
