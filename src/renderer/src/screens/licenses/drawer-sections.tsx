import { Cpu, MonitorSmartphone, Unplug } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import type { MachineDto } from '@shared/channels/console-licenses'
import { useApp } from '../../store'
import { Button } from '../../components/ui/button'
import { Badge, StatusBadge, type Tone } from '../../components/ui/badge'
import { eventLabel, fmtDateTime, fmtRelative } from '../../lib/format'
import { Section } from '../../components/ui/section'

const HEARTBEAT: Record<string, { tone: Tone; label: string }> = {
  live: { tone: 'ok', label: 'heartbeat live' },
  late: { tone: 'warn', label: 'heartbeat late' },
  silent: { tone: 'danger', label: 'silent' },
  never: { tone: 'neutral', label: 'no heartbeat yet' },
}

/**
 * A machine's heartbeat state, with its last heartbeat in the tooltip. "Last seen" (next to it)
 * is the later of that heartbeat and the last validation, so it is never older than this.
 */
export function HeartbeatBadge({ m }: { m: MachineDto }) {
  const h = HEARTBEAT[m.heartbeat]
  return (
    <span
      title={
        m.last_heartbeat_at
          ? `Last heartbeat ${fmtDateTime(m.last_heartbeat_at)}`
          : 'No heartbeat received (activations and validations still count as seen)'
      }
    >
      <Badge tone={h.tone}>{h.label}</Badge>
    </span>
  )
}

export function MachinesSection({ l }: { l: LicenseDto }) {
  const machines = useApp((s) => s.openLicenseMachines)
  const release = useApp((s) => s.releaseMachine)
  const confirm = useApp((s) => s.confirm)
  return (
    <Section
      level={3}
      id="lic-machines"
      title={
        l.seats ? `Machines (${machines.length})` : `Machines (${machines.length} of ${l.max_uses})`
      }
    >
      {machines.length === 0 ? (
        <p className="text-sm text-muted">Not activated on any machine yet.</p>
      ) : (
        <ul aria-label="Machines" className="divide-y divide-line rounded-md border border-line">
          {machines.map((m) => (
            <li key={m.id} className="flex items-center gap-3 px-3 py-2 text-sm">
              <Cpu aria-hidden="true" size={15} className="shrink-0 text-muted" />
              <div className="min-w-0 flex-1">
                <div className="truncate font-mono text-[13px]">{m.hwid}</div>
                <div className="text-xs text-muted">
                  {[m.platform, m.app_version && `v${m.app_version}`, m.ip]
                    .filter(Boolean)
                    .join(' · ') || 'unknown platform'}
                  {m.environment ? ` · ${m.environment}` : ''} · last seen{' '}
                  <time dateTime={m.last_seen_at} title={fmtDateTime(m.last_seen_at)}>
                    {fmtRelative(m.last_seen_at)}
                  </time>
                </div>
              </div>
              {m.seat === 'held' && <Badge tone="ok">seat</Badge>}
              {m.seat === 'freed' && <Badge tone="warn">seat freed</Badge>}
              <HeartbeatBadge m={m} />
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Release machine ${m.hwid}`}
                onClick={async () => {
                  if (
                    await confirm({
                      title: 'Release this machine?',
                      description: `${m.hwid} is unbound and its ${m.open_sessions} open session(s) end; the app on it must activate again, using a free slot.`,
                      confirmLabel: 'Release machine',
                      destructive: true,
                    })
                  )
                    await release(l.id, m.id)
                }}
              >
                <Unplug aria-hidden="true" size={14} /> Release
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

export function SessionsSection({ l }: { l: LicenseDto }) {
  const sessions = useApp((s) => s.openLicenseSessions)
  const revoke = useApp((s) => s.revokeSession)
  return (
    <Section level={3} id="lic-sessions" title={`Open sessions (${sessions.length})`}>
      {sessions.length === 0 ? (
        <p className="text-sm text-muted">No open sessions.</p>
      ) : (
        <ul
          aria-label="Open sessions"
          className="divide-y divide-line rounded-md border border-line"
        >
          {sessions.map((s) => (
            <li key={s.id} className="flex items-center gap-3 px-3 py-2 text-sm">
              <MonitorSmartphone aria-hidden="true" size={15} className="shrink-0 text-muted" />
              <div className="min-w-0 flex-1">
                <div className="truncate">
                  {s.protocol} · {s.hwid ?? 'no HWID'}
                </div>
                <div className="text-xs text-muted">
                  {s.ip ?? 'unknown IP'} · seen {fmtRelative(s.last_seen_at)} · expires{' '}
                  {fmtRelative(s.expires_at)}
                </div>
              </div>
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Revoke session on ${s.hwid ?? s.ip ?? 'this machine'}`}
                onClick={() => void revoke(l.id, s.id)}
              >
                Revoke
              </Button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  )
}

export function ActivitySection() {
  const events = useApp((s) => s.openLicenseEvents)
  return (
    <Section level={3} id="lic-activity" title="Activity">
      {events.length === 0 ? (
        <p className="text-sm text-muted">No activity recorded yet.</p>
      ) : (
        <ol aria-label="License activity" className="relative ml-1 border-l border-line">
          {events.map((e) => (
            <li key={e.id} className="mb-3 ml-4">
              <span
                aria-hidden="true"
                className="absolute -left-1 mt-1.5 h-2 w-2 rounded-full bg-accent"
              />
              <div className="flex items-center gap-2 text-sm">
                {eventLabel(e.type)} <StatusBadge value={e.severity} />
              </div>
              <div className="text-xs text-muted">
                <time dateTime={e.created_at}>{fmtDateTime(e.created_at)}</time>
                {e.hwid && (
                  <>
                    {' · machine '}
                    <span className="font-mono">{e.hwid}</span>
                  </>
                )}
                {e.ip ? ` · ${e.ip}` : ''}
              </div>
              {typeof e.details.reason === 'string' && e.details.reason && (
                <div className="text-xs">Reason: {e.details.reason}</div>
              )}
            </li>
          ))}
        </ol>
      )}
    </Section>
  )
}
