import { useEffect } from 'react'
import { useApp } from '../../store'
import { Page, PageHeader } from '../../components/ui/page'
import { ServerSection } from './server'
import { AccountsSection } from './accounts'
import { ClientApiSection } from './client-api'
import { BackupSection } from './backup'
import { TransferSection } from './transfer'
import { AboutSection, AppearanceSection, DesktopSection } from './about'

/** Settings: server address, backups, import/export, appearance, about. */
export function SettingsScreen() {
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
      <div className="grid items-start gap-4 xl:grid-cols-2">
        <ServerSection />
        <AppearanceSection />
        <DesktopSection />
        <AccountsSection />
        <ClientApiSection />
        <BackupSection />
        <TransferSection />
        <AboutSection />
      </div>
    </Page>
  )
}
