import { createHmac } from 'node:crypto'
import { test, expect } from './fixtures'
import { createProduct, expectAccessible, goTo, productIdOf, serverUrl, shoot } from './helpers'

const sign = (secret: string, method: string, path: string, ts: string, body: string) =>
  createHmac('sha256', secret).update(`${method}\n${path}\n${ts}\n${body}`).digest('base64')

/** A vendor gives a backend a signed, product-bound key, watches it being used, revokes it. */
test('API keys: create (shown once), signed use, last used, signing example, revoke', async ({
  app,
}) => {
  await createProduct(app, 'Signed App')
  const productId = await productIdOf(app, 'Signed App')
  const base = await serverUrl(app)

  await goTo(app, 'API keys')
  await expect(app.getByText('No API keys yet')).toBeVisible()
  await app.getByRole('button', { name: 'New API key' }).first().click()
  const form = app.getByRole('dialog', { name: 'New API key' })
  await form.getByRole('button', { name: 'Create key' }).click()
  await expect(form.getByRole('alert')).toContainText('Name')
  await form.getByLabel('Name', { exact: true }).fill('Payment webhook')
  await form.getByLabel('Product', { exact: true }).selectOption({ label: 'Signed App' })
  await form.getByLabel('IP allow-list').fill('not-an-ip')
  await form.getByRole('button', { name: 'Create key' }).click()
  await expect(form.getByRole('alert')).toContainText('IP address or a CIDR block')
  await form.getByLabel('IP allow-list').fill('127.0.0.0/8 ::1')
  await expectAccessible(app, 'new API key')
  await form.getByRole('button', { name: 'Create key' }).click()

  const shown = app.getByRole('dialog', { name: 'Copy your API key now' })
  const key = (await shown.getByTestId('created-api-key').textContent())!.trim()
  const secret = (await shown.getByTestId('created-signing-secret').textContent())!.trim()
  expect(key).toMatch(/^kw_live_[A-Za-z0-9]{40}$/)
  expect(secret).toMatch(/^[A-Za-z0-9]{48}$/)
  await expect(shown.getByRole('button', { name: 'Copy api key' })).toBeVisible()
  // The ready-to-run example carries this key and secret.
  await expect(shown.locator('pre').last()).toContainText(`KEY='${key}'`)
  await expect(shown.locator('pre').last()).toContainText(`SECRET='${secret}'`)
  await shoot(app, 'api-keys-created')
  await shown.getByRole('button', { name: 'I have stored them' }).click()

  // The backend uses it: a signed create is accepted, an unsigned one is refused.
  const body = JSON.stringify({ product_id: productId, type: 'lifetime' })
  const ts = String(Math.floor(Date.now() / 1000))
  const signed = await fetch(`${base}/api/licenses`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': key,
      'x-timestamp': ts,
      'x-signature': sign(secret, 'POST', '/api/licenses', ts, body),
    },
    body,
  })
  expect(signed.status).toBe(201)
  const unsigned = await fetch(`${base}/api/licenses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body,
  })
  expect(unsigned.status).toBe(403)

  // Back on the list: last used, from where.
  await goTo(app, 'Licenses')
  await goTo(app, 'API keys')
  const table = app.getByRole('table', { name: 'API keys' })
  const row = table.getByRole('row', { name: 'Payment webhook' })
  await expect(row).toContainText('127.0.0.1')
  await expect(row).toContainText('required')
  await expect(row).not.toContainText(key)
  await expectAccessible(app, 'API keys')
  await shoot(app, 'api-keys')

  // The signing example for the selected key: the exact string to sign, no secret.
  await row.click()
  const drawer = app.getByRole('dialog', { name: 'Payment webhook' })
  await drawer.getByLabel('Method', { exact: true }).selectOption('DELETE')
  await drawer.getByLabel('Path', { exact: true }).fill('/api/licenses/abc?force=1')
  await expect(drawer.locator('pre').first()).toContainText('DELETE')
  await expect(drawer.locator('pre').first()).toContainText('/api/licenses/abc?force=1')
  await expect(drawer.locator('pre').last()).toContainText(
    '<the secret shown when the key was created>',
  )
  await expectAccessible(app, 'API key drawer')
  await shoot(app, 'api-keys-signing-example')

  await drawer.getByRole('button', { name: 'Revoke key' }).click()
  await expect(app.getByRole('alertdialog')).toContainText('refused from the next one on')
  await app.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click()
  await expect(drawer.getByText('revoked')).toBeVisible()
  const after = await fetch(`${base}/api/licenses`, { headers: { 'x-api-key': key } })
  expect(after.status).toBe(401)
})
