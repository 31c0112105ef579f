import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
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

test('security: quick IP block shows in the blacklist, blocks the client API, and is removed again', async ({
  app,
  request,
}) => {
  await createProduct(app, 'Guarded App')
  const [key] = await createLicenses(app, 1)
  const url = await serverUrl(app)
  const productId = await productIdOf(app, 'Guarded App')

  await goTo(app, 'Security')
  const quick = app.getByRole('form', { name: 'Block an IP' })
  await quick.getByLabel('IP address or CIDR').fill('127.0.0.1')
  await quick.getByLabel('Reason').fill('Malicious activity')
  await quick.getByRole('button', { name: 'Block' }).click()
  const row = app
    .getByRole('table', { name: 'Blacklist' })
    .getByRole('row', { name: 'ip 127.0.0.1' })
  await expect(row).toBeVisible()
  await expect(row).toContainText('Malicious activity')

  const blocked = await request.post(`${url}/api/client/validate`, {
    data: { license_key: key, product_id: productId, hwid: 'E2E-HW' },
  })
  expect(blocked.status()).toBe(403)
  expect(await blocked.json()).toMatchObject({
    security_blocked: true,
    security_details: { reason: 'blacklist_hit', type: 'ip' },
  })

  await app.getByRole('button', { name: 'Refresh security' }).click()
  await app.getByRole('combobox', { name: 'Event type' }).selectOption('blacklist_hit')
  await expect(
    app.getByRole('table', { name: 'Security events' }).getByRole('row').nth(1),
  ).toContainText('blacklist hit')
  await shoot(app, 'security-blocked')
  await expectAccessible(app, 'security with data')

  await row.getByRole('button', { name: 'Remove ip 127.0.0.1' }).click()
  await app.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click()
  await expect(row).toHaveCount(0)
  const ok = await request.post(`${url}/api/client/validate`, {
    data: { license_key: key, product_id: productId, hwid: 'E2E-HW' },
  })
  expect(ok.status()).toBe(200)

  // Detection settings: validated like the server validates them, saved, and read back.
  await app.getByRole('button', { name: 'Show' }).click()
  const form = app.getByRole('form', { name: 'Detection settings' })
  await form.getByLabel('Brute force: failed keys').fill('1')
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(form.getByRole('alert')).toBeVisible()
  await form.getByLabel('Brute force: failed keys').fill('12')
  await form.getByLabel(/Let user accounts send webhooks/).check()
  await form.getByRole('button', { name: 'Save settings' }).click()
  await expect(app.getByText('Detection settings saved')).toBeVisible()
  await expectAccessible(app, 'detection settings')
  await app.getByRole('button', { name: 'Hide' }).click()
  await app.getByRole('button', { name: 'Show' }).click()
  await expect(form.getByLabel('Brute force: failed keys')).toHaveValue('12')
})

test('sessions: an activated client shows up live and can be revoked with a reason', async ({
  app,
  request,
}) => {
  await createProduct(app, 'Session App')
  const [key] = await createLicenses(app, 1)
  const url = await serverUrl(app)
  const productId = await productIdOf(app, 'Session App')
  await goTo(app, 'Sessions')
  await expect(app.getByRole('heading', { name: 'No active sessions' })).toBeVisible()
  const r = await request.post(`${url}/api/client/activate`, {
    data: { license_key: key, product_id: productId, hwid: 'E2E-SESSION' },
  })
  expect(r.ok()).toBe(true)
  // Pushed events refresh the list: no reload.
  const row = app
    .getByRole('table', { name: 'Sessions' })
    .getByRole('row', { name: new RegExp(key) })
  await expect(row).toBeVisible()
  await expectAccessible(app, 'sessions with data')
  await row.getByRole('button', { name: /Revoke session/ }).click()
  const dialog = app.getByRole('dialog', { name: 'Revoke session' })
  await dialog.getByLabel('Reason').fill('Suspicious activity detected')
  await dialog.getByRole('button', { name: 'Revoke session' }).click()
  await expect(row).toHaveCount(0)
})

test('webhooks: create, test against a local receiver (status and latency), read the delivery log', async ({
  app,
}) => {
  const bodies: { raw: string; signature: string; keywarden: string }[] = []
  let secret: string
  const receiver = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString()))
    req.on('end', () => {
      bodies.push({
        raw,
        signature: String(req.headers['x-keywarden-signature']),
        keywarden: String(req.headers['keywarden-signature']),
      })
      res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
  const port = (receiver.address() as { port: number }).port
  try {
    await goTo(app, 'Webhooks')
    await app.getByRole('button', { name: 'New webhook' }).first().click()
    const form = app.getByRole('dialog', { name: 'New webhook' })
    await form.getByLabel('Endpoint URL').fill(`http://127.0.0.1:${port}/hook`)
    await form.getByLabel('security.blocked').check()
    await expectAccessible(app, 'new webhook dialog')
    await form.getByRole('button', { name: 'Create webhook' }).click()
    const created = app.getByRole('dialog', { name: 'Webhook created' })
    secret = await created.getByLabel('Signing secret').inputValue()
    expect(secret).toMatch(/^whsec_/)
    await created.getByRole('button', { name: 'Done' }).click()

    await app.getByRole('button', { name: `Send a test to http://127.0.0.1:${port}/hook` }).click()
    await expect(
      app.getByRole('status').filter({ hasText: 'Delivered: HTTP 200 in' }),
    ).toBeVisible()
    expect(bodies).toHaveLength(1)
    expect(bodies[0].signature).toBe(
      'sha256=' + createHmac('sha256', secret).update(bodies[0].raw).digest('hex'),
    )
    await shoot(app, 'webhooks-tested')

    await app.getByRole('button', { name: `Delivery log of http://127.0.0.1:${port}/hook` }).click()
    const log = app.getByRole('dialog', { name: 'Delivery log' })
    await expect(
      log.getByRole('table', { name: 'Deliveries' }).getByRole('row').nth(1),
    ).toContainText('webhook.test')
    await expect(log).toContainText('delivered')
    await expectAccessible(app, 'delivery log')
    await app.keyboard.press('Escape')

    // Rotating: the new secret is shown once with the overlap's end; a delivery during the
    // overlap carries one v1= per secret.
    await app
      .getByRole('button', { name: `Rotate the secret of http://127.0.0.1:${port}/hook` })
      .click()
    const ask = app.getByRole('dialog', { name: 'Rotate signing secret?' })
    await expect(ask.getByLabel('Overlap (hours)')).toHaveValue('24')
    await ask.getByRole('button', { name: 'Rotate secret' }).click()
    const rotated = app.getByRole('dialog', { name: 'Secret rotated' })
    const fresh = await rotated.getByLabel('New signing secret').inputValue()
    expect(fresh).toMatch(/^whsec_/)
    expect(fresh).not.toBe(secret)
    await expect(rotated.getByRole('status')).toContainText('previous secret also signs')
    await expectAccessible(app, 'secret rotated dialog')
    await shoot(app, 'webhooks-rotated')
    await rotated.getByRole('button', { name: 'Done' }).click()
    await expect(app.getByText(/previous secret valid until/)).toBeVisible()
    await app.getByRole('button', { name: `Send a test to http://127.0.0.1:${port}/hook` }).click()
    await expect.poll(() => bodies.length).toBe(2)
    const [t, ...v1] = bodies[1].keywarden.split(',')
    const mac = (k: string) =>
      'v1=' +
      createHmac('sha256', k)
        .update(`${t.slice(2)}.${bodies[1].raw}`)
        .digest('hex')
    expect(v1).toEqual([mac(fresh), mac(secret)])
  } finally {
    receiver.close()
  }
})
