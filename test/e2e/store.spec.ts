import { test, expect } from './fixtures'
import { createProduct, expectAccessible, goTo, shoot } from './helpers'

/** The store screens, the SellRealm secrets panel and the variables editor, as a vendor uses them. */
test('sell a product: order, pay (keys issued), refund; secrets; variables', async ({ app }) => {
  await createProduct(app, 'Storefront App')
  // Variables editor on the product page.
  const vars = app.getByRole('region', { name: 'Variables' })
  await vars.getByLabel('Name').fill('api_endpoint')
  await vars.getByLabel('Value').fill('https://api.example.com')
  await vars.getByRole('button', { name: 'Save variable' }).click()
  await expect(vars.getByRole('list', { name: 'Variables' })).toContainText(
    'https://api.example.com',
  )
  await vars.getByLabel('Name').fill('bad name!')
  await vars.getByRole('button', { name: 'Save variable' }).click()
  await expect(vars.getByRole('alert')).toContainText('Name: 1-64 letters')

  await goTo(app, 'Customers & orders')
  await app.getByRole('button', { name: 'New order' }).click()
  const dialog = app.getByRole('dialog', { name: 'New order' })
  await dialog.getByLabel('Customer email').fill('buyer@example.com')
  await dialog.getByLabel('Quantity').fill('2')
  await dialog.getByRole('button', { name: 'Create order' }).click()
  const table = app.getByRole('table', { name: 'Orders' })
  await expect(table).toContainText('buyer@example.com')
  await expectAccessible(app, 'orders')
  await shoot(app, 'store-orders')

  await table.getByRole('button', { name: 'Mark paid' }).click()
  await app.getByRole('alertdialog').getByRole('button', { name: 'Mark paid' }).click()
  await expect(table.getByText('paid', { exact: true })).toBeVisible()
  await table.getByRole('button', { name: 'Refund' }).click()
  await expect(app.getByRole('alertdialog')).toContainText('suspended at once')
  await app.getByRole('alertdialog').getByRole('button', { name: 'Refund' }).click()
  await expect(table.getByText('refunded', { exact: true })).toBeVisible()

  await app.getByRole('tab', { name: 'Customers' }).click()
  await app
    .getByRole('table', { name: 'Customers' })
    .getByRole('row', { name: 'buyer@example.com' })
    .click()
  await expect(app.getByRole('dialog', { name: 'buyer@example.com' })).toContainText('License keys')
  // The paid order issued two keys, now suspended by the refund.
  await expect(
    app.getByRole('dialog', { name: 'buyer@example.com' }).getByText('suspended'),
  ).toHaveCount(2)
  await expectAccessible(app, 'customer detail')
  await app.keyboard.press('Escape')

  await app.getByRole('tab', { name: 'Analytics' }).click()
  await expect(app.getByText('Activations, last 30 days')).toBeVisible()
  await shoot(app, 'store-analytics')

  await app.getByRole('tab', { name: 'API secrets' }).click()
  const hidden = app.getByLabel('auth_secret (hidden)')
  await expect(hidden).toBeVisible()
  await app.getByRole('button', { name: 'Reveal auth_secret' }).click()
  const before = await app.getByLabel('auth_secret', { exact: true }).textContent()
  expect(before).toMatch(/^[A-Za-z0-9]{48}$/)
  await app.getByRole('button', { name: 'Regenerate' }).click()
  await expect(app.getByRole('alertdialog')).toContainText('stop working at once')
  await app.getByRole('alertdialog').getByRole('button', { name: 'Regenerate secrets' }).click()
  await expect(app.getByLabel('auth_secret', { exact: true })).not.toHaveText(before!)
  await app.getByLabel('Timestamp window (seconds)').fill('0')
  await app.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(app.getByRole('alert')).toContainText('Timestamp window: 1 to 86,400 seconds')
  await app.getByLabel('Timestamp window (seconds)').fill('120')
  await app.getByRole('button', { name: 'Save', exact: true }).click()
  await expect(app.getByText('License API settings saved')).toBeVisible()
  await expectAccessible(app, 'secrets')
  await shoot(app, 'store-secrets')
})
