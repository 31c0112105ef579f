import { useEffect } from 'react'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { Card, CardHeader } from '../../components/ui/card'
import { ServerSection } from './server'
import { AccountsSection } from './accounts'
import { ClientApiSection } from './client-api'
import { ConnectionsSection } from './connections'
import { BackupSection } from './backup'
import { TransferSection } from './transfer'
import { AboutSection, AppearanceSection, DesktopSection } from './about'

/** Settings: server address, backups, import/export, appearance, about. */
export function SettingsScreen() {
  const isAdmin = useApp((s) => s.isAdmin)
  return isAdmin ? <InstallationSettings /> : <AccountSettings />
}

/** What a `user` account may set: the console's own look; the installation is its admins'. */
function AccountSettings() {
  return (
    <Page>
      <PageHeader title="Settings" description="How the console looks for you." />
      <div className="grid grid-cols-1 items-start gap-4 xl:grid-cols-2">
        <AppearanceSection />
        <Card>
          <CardHeader
            title="Installation settings"
            description="The server address, accounts, limits, backups and imports are managed by this installation's admins."
          />
        </Card>
      </div>
    </Page>
  )
}

function InstallationSettings() {
  const load = useApp((s) => s.loadSystem)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <Page>
      <PageHeader
        title="Settings"
        description="This installation: where it listens, its data, and how it looks."
      />
      <div className="grid grid-cols-1 items-start gap-4 xl:grid-cols-2">
        <ServerSection />
        <AppearanceSection />
        <DesktopSection />
        <AccountsSection />
        <ClientApiSection />
        <ConnectionsSection />
        <BackupSection />
        <TransferSection />
        <AboutSection />
      </div>
    </Page>
  )
}
