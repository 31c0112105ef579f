import { createHash } from 'node:crypto'
import { test, expect } from './fixtures'
import { createProduct, expectAccessible, goTo, serverUrl, shoot } from './helpers'

const md5 = (s: string) => createHash('md5').update(s).digest('hex')
const timestamp = () => new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)

/**
 * A vendor gives a reseller a Hi-Rez developer credential scoped to one product, sees it used
 * today, tightens its limits, re-keys and revokes it.
 */
test('Developers: create (auth key once), usage today, edit limits, re-key, revoke', async ({
  app,
}) => {
  await createProduct(app, 'Arena Royale')
  const base = await serverUrl(app)

  await goTo(app, 'Developers')
  await expect(app.getByText('No developers yet')).toBeVisible()
  await app.getByRole('button', { name: 'New developer' }).first().click()
  const form = app.getByRole('dialog', { name: 'New developer' })
  await form.getByRole('button', { name: 'Create developer' }).click()
  await expect(form.getByRole('alert')).toContainText('Name is required')
  await form.getByLabel('Name', { exact: true }).fill('Loot Reseller')
  await form.getByLabel('Arena Royale').check()
  await form.getByLabel('Reseller allotment').fill('25')
  await expectAccessible(app, 'new developer')
  await shoot(app, 'developers-new')
  await form.getByRole('button', { name: 'Create developer' }).click()

  const shown = app.getByRole('dialog', { name: 'Copy the auth key now' })
  const devId = (await shown.getByTestId('created-developer-id').textContent())!.trim()
  const authKey = (await shown.getByTestId('created-auth-key').textContent())!.trim()
  expect(devId).toMatch(/^\d{4}$/)
  expect(authKey).toMatch(/^[0-9A-F]{32}$/)
  await expect(shown.locator('pre')).toContainText(`KEY=${authKey}`)
  await shoot(app, 'developers-created')
  await shown.getByRole('button', { name: 'I have stored it' }).click()

  // The reseller calls: a session and two requests today.
  const ts = timestamp()
  const created = await fetch(
    `${base}/hirez/CreateSessionJSON/${devId}/${md5(`${devId}createsession${authKey}${ts}`)}/${ts}`,
  ).then((r) => r.json() as Promise<{ ret_msg: string; session_id: string }>)
  expect(created.ret_msg).toBe('Approved')
  const used = await fetch(
    `${base}/hirez/getdataused/${devId}/${md5(`${devId}getdataused${authKey}${ts}`)}/${created.session_id}/${ts}`,
  )
  expect(used.status).toBe(404) // no format suffix: not a method
  const data = await fetch(
    `${base}/hirez/getdatausedjson/${devId}/${md5(`${devId}getdataused${authKey}${ts}`)}/${created.session_id}/${ts}`,
  ).then((r) => r.json() as Promise<Record<string, unknown>[]>)
  expect(data[0]).toMatchObject({ Active_Sessions: 1, Total_Requests_Today: 2 })

  await goTo(app, 'Products')
  await goTo(app, 'Developers')
  const table = app.getByRole('table', { name: 'Developers' })
  const row = table.getByRole('row', { name: 'Loot Reseller' })
  await expect(row).toContainText(devId)
  await expect(row).toContainText('Arena Royale')
  await expect(row).toContainText('2 / 7,500')
  await expect(row).not.toContainText(authKey)
  await expectAccessible(app, 'Developers')
  await shoot(app, 'developers')

  await row.click()
  const drawer = app.getByRole('dialog', { name: 'Loot Reseller' })
  await expect(drawer).toContainText('0 / 25')
  await shoot(app, 'developers-drawer')
  await drawer.getByRole('button', { name: 'Edit limits and products' }).click()
  const edit = app.getByRole('dialog', { name: `Edit developer ${devId}` })
  await edit.getByLabel('Daily requests').fill('100')
  await edit.getByRole('button', { name: 'Save' }).click()
  await expect(edit).toBeHidden()
  await expect(drawer).toContainText('/ 100')

  await drawer.getByRole('button', { name: 'New auth key' }).click()
  await app.getByRole('alertdialog').getByRole('button', { name: 'Make a new key' }).click()
  const rekeyed = app.getByRole('dialog', { name: 'Copy the auth key now' })
  const newKey = (await rekeyed.getByTestId('created-auth-key').textContent())!.trim()
  expect(newKey).not.toBe(authKey)
  await rekeyed.getByRole('button', { name: 'I have stored it' }).click()

  await drawer.getByRole('button', { name: 'Revoke developer' }).click()
  await app.getByRole('alertdialog').getByRole('button', { name: 'Revoke developer' }).click()
  await expect(drawer).toContainText('revoked')
  const ts2 = timestamp()
  const refused = await fetch(
    `${base}/hirez/createsessionjson/${devId}/${md5(`${devId}createsession${newKey}${ts2}`)}/${ts2}`,
  ).then((r) => r.json() as Promise<{ ret_msg: string }>)
  expect(refused.ret_msg).toBe('Unauthorized Developer Id')
})
