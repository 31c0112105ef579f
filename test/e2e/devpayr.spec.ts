import { test, expect } from './fixtures'
import { createLicenses, createProduct, expectAccessible, goTo, serverUrl, shoot } from './helpers'

/**
 * Issue 14 in the console: a product's domains and environments, an injectable shown only in
 * its stored (encrypted) form, the paid state, and the environment a DevPayr runtime ran in
 * on the license drawer.
 */
test('DevPayr rules in the console: domains, injectables, paid state, machine environment', async ({
  app,
  request,
}) => {
  await createProduct(app, 'Forms Plugin')

  const domains = app.getByRole('region', { name: 'Domains' })
  await expect(domains).toContainText('No domain rules: any identifier may run.')
  await domains.getByRole('textbox', { name: 'Domain' }).fill('*.staging.example.com')
  await domains.getByLabel('Environment').selectOption('staging')
  await domains.getByRole('button', { name: 'Add domain' }).click()
  await expect(domains.getByRole('list', { name: 'Domain rules' })).toContainText(
    '*.staging.example.com',
  )
  await domains.getByRole('textbox', { name: 'Domain' }).fill('shop.example.com')
  await domains.getByLabel('Environment').selectOption('production')
  await domains.getByRole('button', { name: 'Add domain' }).click()
  await expect(domains.getByRole('list', { name: 'Domain rules' })).toContainText(
    'shop.example.com',
  )
  await domains.getByRole('button', { name: 'Make shop.example.com primary' }).click()
  await expect(domains.getByText('primary', { exact: true })).toBeVisible()
  // A malformed wildcard is refused with the server's words.
  await domains.getByRole('textbox', { name: 'Domain' }).fill('ex*.com')
  await domains.getByRole('button', { name: 'Add domain' }).click()
  await expect(app.getByText('a wildcard must look like *.example.com')).toBeVisible()

  const inj = app.getByRole('region', { name: 'Injectables' })
  await inj.getByRole('textbox', { name: 'Title' }).fill('Footer notice')
  await inj.getByLabel('Target path').fill('views/footer.php')
  await inj.getByRole('textbox', { name: 'Content' }).fill('<!-- licensed copy -->')
  await inj.getByLabel('Secret', { exact: true }).fill('vendor-shared-secret')
  await inj.getByRole('button', { name: 'Encrypt and save' }).click()
  const list = inj.getByRole('list', { name: 'Injectables list' })
  await expect(list).toContainText('Footer notice')
  await expect(list).toContainText('views/footer.php')
  // Only the stored, encrypted form is shown: never the plaintext.
  await expect(list.getByLabel('Stored form of Footer notice')).toHaveText(/^[A-Za-z0-9+/=]{48}…$/)
  await expect(list).not.toContainText('licensed copy')

  await expect(app.getByText('unpaid', { exact: true })).toBeVisible()
  await app.getByRole('button', { name: 'Mark paid' }).click()
  await expect(app.getByText('paid', { exact: true })).toBeVisible()
  await expect(app.getByRole('button', { name: 'Mark unpaid' })).toBeVisible()
  await expectAccessible(app, 'product with DevPayr rules')
  await shoot(app, 'devpayr-product')
  await inj.scrollIntoViewIfNeeded()
  await shoot(app, 'devpayr-domains-injectables')

  // A DevPayr runtime checks its license on the production domain.
  const [key] = await createLicenses(app, 1)
  const url = await serverUrl(app)
  const r = await request.post(`${url}/devpayr/api/v1/project/has-paid?include=injectables`, {
    headers: { 'X-LICENSE-KEY': key, 'X-Devpayr-Domain': 'shop.example.com' },
    data: {},
  })
  expect(r.status()).toBe(200)
  const body = await r.json()
  expect(body.data.has_paid).toBe(true)
  expect(body.data.injectables).toHaveLength(1)

  await goTo(app, 'Licenses')
  await app.getByRole('table', { name: 'Licenses' }).getByRole('row', { name: key }).click()
  const drawer = app.getByRole('dialog', { name: key })
  await expect(drawer.getByRole('list', { name: 'Machines' })).toContainText('shop.example.com')
  await expect(drawer.getByRole('list', { name: 'Machines' })).toContainText('production')
  await expectAccessible(app, 'license drawer with a DevPayr machine')
  await shoot(app, 'devpayr-license-drawer')
})
