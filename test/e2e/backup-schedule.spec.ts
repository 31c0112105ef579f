import { test, expect } from './fixtures'
import { goTo, shoot } from './helpers'

test('settings: schedule backups, see when the next one runs, switch them off', async ({ app }) => {
  await goTo(app, 'Settings')
  const section = app.getByRole('region', { name: 'Scheduled backups' })
  await expect(section.getByRole('status', { name: 'Last scheduled backup' })).toHaveText(
    'No scheduled backup has run yet.',
  )
  await section.getByLabel('Back up automatically').check()
  await section.getByLabel('Every (hours)').fill('6')
  await section.getByLabel('Keep the newest').fill('10')
  await section.getByRole('button', { name: 'Save schedule' }).click()
  await expect(app.getByText(/^Backups scheduled into .*backups$/)).toBeVisible()
  await expect(section.getByRole('status', { name: 'Last scheduled backup' })).toContainText(
    '· next',
  )
  await shoot(app, 'settings-backup-schedule')

  // A bad interval gets the field's message; the schedule stays as saved.
  await section.getByLabel('Every (hours)').fill('0.01')
  await section.getByRole('button', { name: 'Save schedule' }).click()
  await expect(app.getByText(/At least every 5 minutes/)).toBeVisible()

  await app.reload()
  await goTo(app, 'Settings')
  await expect(section.getByLabel('Every (hours)')).toHaveValue('6')
  await expect(section.getByLabel('Keep the newest')).toHaveValue('10')
  await section.getByLabel('Back up automatically').uncheck()
  await section.getByRole('button', { name: 'Save schedule' }).click()
  await expect(app.getByText('Scheduled backups are off')).toBeVisible()
})
