import { createPublicKey, verify } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { test, expect } from './fixtures'
import { createLicenses, createProduct, expectAccessible, goTo, serverUrl, shoot } from './helpers'

/** The few lines of node:crypto an app runs: the certificate's signature under the pinned key. */
function verifies(file: string, pem: string): boolean {
  const b64 = file.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')
  const cert = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'))
  return verify(
    null,
    Buffer.from(`license/${cert.enc}`),
    createPublicKey(pem),
    Buffer.from(cert.sig, 'base64'),
  )
}

test('license files: the key on the server card, a file from the drawer, an air-gapped request', async ({
  app,
  request,
}) => {
  await createProduct(app, 'Offline Atlas')
  const [key] = await createLicenses(app, 1)
  const url = await serverUrl(app)
  const pem = await (
    await request.get(`${url}/api/client/public-key?alg=ed25519&format=pem`)
  ).text()

  await goTo(app, 'Dashboard')
  await expect(app.getByText('License file key (Ed25519)')).toBeVisible()
  await expect(app.getByRole('button', { name: 'Copy license file public key' })).toBeVisible()
  // The card's foot in view, once the creation toasts have gone.
  await app.getByText(/^Pin it in your app/).scrollIntoViewIfNeeded()
  await expect(app.locator('[data-sonner-toast]')).toHaveCount(0, { timeout: 15_000 })
  await shoot(app, 'license-files-server-card')

  await goTo(app, 'Licenses')
  await app.getByRole('table', { name: 'Licenses' }).getByRole('row', { name: key }).click()
  const drawer = app.getByRole('dialog', { name: key })
  await expect(drawer.getByText('No license files issued.')).toBeVisible()
  await drawer.getByRole('button', { name: 'License file' }).click()
  const dialog = app.getByRole('dialog', { name: 'Download a license file' })
  await dialog.getByLabel('Machine fingerprint (optional)').fill('HW-ATLAS-1')
  await dialog.getByLabel('Valid for (days)').fill('0')
  await expect(dialog.getByRole('alert')).toHaveText('Between 1 and 366 days')
  await dialog.getByLabel('Valid for (days)').fill('14')
  await expectAccessible(app, 'license file dialog')
  await shoot(app, 'license-files-checkout')
  const [download] = await Promise.all([
    app.waitForEvent('download'),
    dialog.getByRole('button', { name: 'Download file' }).click(),
  ])
  expect(download.suggestedFilename()).toBe(`${key.slice(0, 9)}.lic`)
  const file = readFileSync((await download.path())!, 'utf8')
  expect(file).toMatch(/^-----BEGIN LICENSE FILE-----\n/)
  expect(verifies(file, pem)).toBe(true)
  const files = drawer.getByRole('list', { name: 'License files' })
  await expect(files).toContainText('HW-ATLAS-1 · console')
  await expect(drawer.getByRole('list', { name: 'Machines' })).toContainText('HW-ATLAS-1')
  await shoot(app, 'license-files-drawer')
  await files.getByRole('button', { name: /Revoke license file/ }).click()
  await app.getByRole('button', { name: 'Revoke file' }).click()
  await expect(files).toContainText('revoked')
  await app.keyboard.press('Escape')

  // Air-gapped: the customer's app wrote a request; the vendor turns it into a file.
  const req = Buffer.from(
    JSON.stringify({
      format: 'keywarden-license-request/1',
      license_key: key,
      fingerprint: 'HW-ATLAS-1',
    }),
  ).toString('base64')
  await app.getByRole('button', { name: 'Offline activation' }).click()
  const offline = app.getByRole('dialog', { name: 'Offline activation' })
  await offline.getByLabel('Request file').fill('not a request')
  await offline.getByRole('button', { name: 'Create license file' }).click()
  await expect(app.getByText('request: is not a license request file')).toBeVisible()
  await offline
    .getByLabel('Request file')
    .fill(`-----BEGIN LICENSE REQUEST-----\n${req}\n-----END LICENSE REQUEST-----\n`)
  await expectAccessible(app, 'offline activation')
  await shoot(app, 'license-files-offline')
  const [lic] = await Promise.all([
    app.waitForEvent('download'),
    offline.getByRole('button', { name: 'Create license file' }).click(),
  ])
  expect(lic.suggestedFilename()).toBe('license.lic')
  const text = readFileSync((await lic.path())!, 'utf8')
  expect(verifies(text, pem)).toBe(true)
  const cert = JSON.parse(
    Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64').toString(),
  )
  expect(cert.alg).toBe('aes-256-gcm+ed25519')
})
