import { useEffect } from 'react'
import { ShieldCheck } from 'lucide-react'
import type { IncidentDto } from '@shared/channels/security'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Badge, StatusBadge } from '../../components/ui/badge'
import { EmptyState } from '../../components/ui/empty'
import { SkeletonRows } from '../../components/ui/skeleton'
import { eventLabel, fmtDateTime, fmtNum } from '../../lib/format'

const SOURCE_LABEL: Record<IncidentDto['source_type'], string> = {
  ip: 'IP',
  hwid: 'HWID',
  license: 'License',
  fingerprint: 'Fingerprint',
  unknown: 'Source',
}

/** Who an incident came from, as one phrase ("IP 10.0.0.5"). */
export function incidentSource(i: IncidentDto): string {
  return `${SOURCE_LABEL[i.source_type]} ${i.source ?? 'unknown'}`
}

const short = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
})

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' })

/** A time short enough for a table cell (no year; today: the hour), the full one in its tooltip. */
function When({ iso }: { iso: string }) {
  const d = new Date(iso)
  const today = d.toDateString() === new Date().toDateString()
  return (
    <time dateTime={iso} title={fmtDateTime(iso)} className="whitespace-nowrap">
      {(today ? clock : short).format(d)}
    </time>
  )
}

function BlockCell({ i }: { i: IncidentDto }) {
  if (!i.block)
    return (
      <span className="whitespace-nowrap text-muted">
        {i.allowlisted ? 'allow-listed' : 'not blocked'}
      </span>
    )
  return (
    <span className="whitespace-nowrap">
      <Badge tone="danger">blocked</Badge>
      {i.block.expires_at && (
        <span className="ml-1 text-xs text-muted">
          until <When iso={i.block.expires_at} />
        </span>
      )}
    </span>
  )
}

/**
 * What happened, not every request: security events grouped by rule and source over the last
 * 30 days, each with its counts, when it started and stopped, and the block it still holds.
 */
export function IncidentsCard() {
  const incidents = useApp((s) => s.incidents)
  const load = useApp((s) => s.loadIncidents)
  const unblock = useApp((s) => s.unblockIncident)
  const allow = useApp((s) => s.allowIncident)
  const showEvents = useApp((s) => s.setSecurityEventQuery)
  useEffect(() => void load(), [load])

  return (
    <Card>
      <CardHeader
        title="Incidents"
        description="Security events of the last 30 days grouped by rule and source. Routine activations and validations are not incidents."
      />
      {!incidents ? (
        <SkeletonRows rows={3} />
      ) : incidents.length === 0 ? (
        <EmptyState icon={ShieldCheck} title="No incidents">
          Blocks, blacklist hits and detections appear here, one row per source.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto" role="region" aria-label="Incidents table" tabIndex={0}>
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-muted">
              <tr>
                <th className="px-4 py-2 font-medium">Rule</th>
                <th className="px-4 py-2 font-medium">Source</th>
                <th className="px-4 py-2 font-medium">Severity</th>
                <th className="px-4 py-2 font-medium">Count</th>
                <th className="px-4 py-2 font-medium whitespace-nowrap">First seen</th>
                <th className="px-4 py-2 font-medium whitespace-nowrap">Last seen</th>
                <th className="px-4 py-2 font-medium">Block</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {incidents.map((i) => (
                <tr
                  key={`${i.rule}\u0000${i.source_type}\u0000${i.source}`}
                  className="border-t border-line"
                >
                  <td className="px-4 py-2">{eventLabel(i.rule)}</td>
                  <td className="px-4 py-2">
                    <span className="text-muted">{SOURCE_LABEL[i.source_type]} </span>
                    <span className="font-mono text-[12px] whitespace-nowrap">
                      {i.source ?? '—'}
                    </span>
                  </td>
                  <td className="px-4 py-2">
                    <StatusBadge value={i.severity} />
                  </td>
                  <td className="px-4 py-2 tabular-nums">
                    ×{fmtNum(i.count)}
                    {i.blocked > 0 && (
                      <span className="text-muted whitespace-nowrap">
                        {' '}
                        ({fmtNum(i.blocked)} refused)
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-2">
                    <When iso={i.first_seen} />
                  </td>
                  <td className="px-4 py-2">
                    <When iso={i.last_seen} />
                  </td>
                  <td className="px-4 py-2">
                    <BlockCell i={i} />
                  </td>
                  <td className="px-4 py-2">
                    {/* The buttons wrap rather than sit past the card's right edge. */}
                    <div className="flex flex-wrap justify-end gap-1">
                      {(i.source_type === 'ip' || i.source_type === 'hwid') && i.source && (
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Events of ${incidentSource(i)}`}
                          onClick={() =>
                            showEvents({
                              event_type: i.rule,
                              ip_address: i.source_type === 'ip' ? i.source! : undefined,
                              hwid: i.source_type === 'hwid' ? i.source! : undefined,
                            })
                          }
                        >
                          Events
                        </Button>
                      )}
                      {(i.source_type === 'ip' || i.source_type === 'hwid') &&
                        i.source &&
                        !i.allowlisted && (
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={`Allow-list ${incidentSource(i)}`}
                            title="Detections never block this source again (the blacklist still applies)"
                            onClick={() => void allow(i)}
                          >
                            Allow-list
                          </Button>
                        )}
                      {i.block && (
                        <Button
                          size="sm"
                          aria-label={`Unblock ${incidentSource(i)}`}
                          onClick={() => void unblock(i)}
                        >
                          Unblock
                        </Button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  )
}
