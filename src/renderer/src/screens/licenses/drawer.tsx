import { useState } from 'react'
import { Ban, CalendarPlus, Cpu, Pause, Play, Trash2 } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { useApp } from '../../store'
import { Drawer } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { StatusBadge } from '../../components/ui/badge'
import { CopyButton } from '../../components/ui/copy'
import { SkeletonRows } from '../../components/ui/skeleton'
import { fmtDate, fmtDateTime } from '../../lib/format'
import { ActivitySection, MachinesSection, SessionsSection } from './drawer-sections'
import { VariablesEditor } from '../../components/variables-editor'
import { ExtendDialog } from './extend-dialog'
import { EditSection } from './edit-section'
import { ReasonDialog } from './reason-dialog'
import { customerParam } from '../customers/route'
import { PolicySection } from './policy-section'
import { LicenseFileButton, LicenseFilesSection } from './license-files'

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[140px_1fr] gap-2 py-1.5 text-sm">
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  )
}

function Actions({ l }: { l: LicenseDto }) {
  const confirm = useApp((s) => s.confirm)
  const reset = useApp((s) => s.resetLicenseHwid)
  const update = useApp((s) => s.updateLicense)
  const remove = useApp((s) => s.deleteLicense)
  const bulk = useApp((s) => s.bulkLicenses)
  const ban = useApp((s) => s.banLicense)
  const [extendOpen, setExtendOpen] = useState(false)
  const [asking, setAsking] = useState<'suspend' | 'ban' | null>(null)
  const suspended = l.status === 'suspended'
  return (
    <div className="flex flex-wrap gap-2">
      <Button
        size="sm"
        onClick={async () => {
          if (
            await confirm({
              title: 'Reset the HWID?',
              description: `All ${l.current_uses} machine binding(s) of ${l.license_key} are released; the next machine to activate binds the key.`,
              confirmLabel: 'Reset HWID',
            })
          )
            await reset(l.id)
        }}
      >
        <Cpu aria-hidden="true" size={14} /> Reset HWID
      </Button>
      {suspended ? (
        <Button
          size="sm"
          onClick={() =>
            void update(l.id, { status: 'active', status_reason: null }, 'License resumed')
          }
        >
          <Play aria-hidden="true" size={14} /> Resume
        </Button>
      ) : (
        <Button size="sm" disabled={l.status === 'banned'} onClick={() => setAsking('suspend')}>
          <Pause aria-hidden="true" size={14} /> Suspend
        </Button>
      )}
      <Button
        size="sm"
        disabled={l.expires_at === null}
        title={l.expires_at === null ? 'This key never expires' : undefined}
        onClick={() => setExtendOpen(true)}
      >
        <CalendarPlus aria-hidden="true" size={14} /> Extend
      </Button>
      <LicenseFileButton l={l} />
      <Button
        size="sm"
        variant="danger"
        disabled={l.status === 'banned'}
        onClick={() => setAsking('ban')}
      >
        <Ban aria-hidden="true" size={14} /> Ban
      </Button>
      <Button
        size="sm"
        variant="danger"
        onClick={async () => {
          if (
            await confirm({
              title: 'Delete this license?',
              description: `${l.license_key}, its machines and sessions are deleted; apps using it stop working. This cannot be undone.`,
              confirmLabel: 'Delete license',
              destructive: true,
            })
          )
            await remove(l.id)
        }}
      >
        <Trash2 aria-hidden="true" size={14} /> Delete
      </Button>
      <ReasonDialog
        open={asking === 'suspend'}
        onOpenChange={(o) => !o && setAsking(null)}
        title="Suspend this license?"
        description={`Apps using ${l.license_key} are refused until you resume it. Open sessions end (apps sign in again after a resume); machines stay bound.`}
        confirmLabel="Suspend"
        placeholder="e.g. Payment disputed"
        onConfirm={async (reason) =>
          (await update(
            l.id,
            { status: 'suspended', status_reason: reason ?? null },
            'License suspended',
          )) !== undefined
        }
      />
      <ReasonDialog
        open={asking === 'ban'}
        onOpenChange={(o) => !o && setAsking(null)}
        title="Ban this license?"
        description={`${l.license_key} is refused on every protocol for good and its sessions end now. Unlike a suspension, a ban is not lifted by a bulk resume.`}
        confirmLabel="Ban license"
        placeholder="e.g. Key shared publicly"
        onConfirm={(reason) => ban(l.id, reason)}
      />
      <ExtendDialog
        open={extendOpen}
        onOpenChange={setExtendOpen}
        title="Extend expiry"
        description={`Currently expires ${fmtDate(l.expires_at)}.`}
        onExtend={(days) => bulk('extend', [l.id], days)}
      />
    </div>
  )
}

/** The customer's email, linking to their page. */
function CustomerLink({ l }: { l: LicenseDto }) {
  const navigate = useApp((s) => s.navigate)
  const show = useApp((s) => s.showLicense)
  if (!l.customer_id || !l.customer_email) return <>—</>
  const id = l.customer_id
  return (
    <a
      href={`#/customers/${customerParam(id)}`}
      className="text-accent underline-offset-2 hover:underline"
      onClick={(e) => {
        e.preventDefault()
        void show(null)
        navigate('customers', customerParam(id))
      }}
    >
      {l.customer_email}
    </a>
  )
}

/** One license: facts, actions, machines and its activity timeline. */
export function LicenseDrawer() {
  const id = useApp((s) => s.openLicenseId)
  const l = useApp((s) => s.openLicense)
  const show = useApp((s) => s.showLicense)
  return (
    <Drawer
      open={id !== null}
      onOpenChange={(o) => !o && void show(null)}
      title={l?.license_key ?? 'License'}
      description={l ? `${l.product_name ?? 'Product'} · ${l.type}` : 'Loading…'}
    >
      {!l ? (
        <SkeletonRows rows={8} />
      ) : (
        <div className="flex flex-col gap-6 px-5 py-4">
          <div className="flex items-center gap-2">
            <StatusBadge value={l.status} />
            {l.status_reason && <span className="text-sm text-muted">{l.status_reason}</span>}
            <span className="ml-auto">
              <CopyButton value={l.license_key} label="license key" />
            </span>
          </div>
          <Actions l={l} />
          <section aria-labelledby="lic-facts">
            <h3 id="lic-facts" className="mb-1 text-sm font-semibold">
              Details
            </h3>
            <dl className="divide-y divide-line">
              <Row label="Expires">{l.expires_at ? fmtDateTime(l.expires_at) : 'Never'}</Row>
              <Row label="Machines">
                {l.seats
                  ? `${l.current_uses} bound, any machine (floating seats)`
                  : `${l.current_uses} of ${l.max_uses} ${l.hwid_locked ? '(HWID locked)' : ''}`}
              </Row>
              <Row label="Sessions">
                {l.max_sessions === null ? 'No limit' : `At most ${l.max_sessions} at once`}
              </Row>
              <Row label="Level">{l.level}</Row>
              <Row label="Environment">{l.environment}</Row>
              {l.title && <Row label="Title">{l.title}</Row>}
              <Row label="Customer">
                <CustomerLink l={l} />
              </Row>
              <Row label="Created">{fmtDateTime(l.created_at)}</Row>
              <Row label="Notes">{l.notes || '—'}</Row>
              <Row label="Metadata">
                {Object.keys(l.metadata).length ? (
                  <code className="font-mono text-xs">{JSON.stringify(l.metadata)}</code>
                ) : (
                  '—'
                )}
              </Row>
            </dl>
          </section>
          <EditSection l={l} />
          <PolicySection l={l} />
          <MachinesSection l={l} />
          <SessionsSection l={l} />
          <LicenseFilesSection l={l} />
          <VariablesEditor scope={{ license_id: l.id }} title="Variables (this license)" />
          <ActivitySection />
        </div>
      )}
    </Drawer>
  )
}
