import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Badge } from '../../components/ui/badge'
import { CopyButton } from '../../components/ui/copy'
import { fmtDateTime } from '../../lib/format'

/** Where apps reach this server (loopback and each LAN address), and its public key. */
export function ServerCard() {
  const s = useApp((x) => x.server)
  return (
    <Card>
      <CardHeader
        title="Server"
        actions={<Badge tone={s?.up ? 'ok' : 'danger'}>{s?.up ? 'up' : 'down'}</Badge>}
      />
      <div className="flex flex-col gap-3 px-4 py-3 text-sm">
        <div>
          <div className="text-xs font-medium text-muted">Listening URLs</div>
          <ul className="mt-1">
            {(s?.urls.length ? s.urls : ['—']).map((u) => (
              <li key={u} className="flex items-center justify-between gap-2">
                <span className="truncate font-mono text-[13px]">{u}</span>
                {u !== '—' && <CopyButton value={u} label={`URL ${u}`} />}
              </li>
            ))}
          </ul>
          {s && !s.urls.some((u) => !u.includes('127.0.0.1') && !u.includes('localhost')) && (
            <p className="mt-1 text-xs text-muted">
              Loopback only. Open it to your LAN in Settings → Server.
            </p>
          )}
        </div>
        <div className="grid grid-cols-2 gap-2 text-xs">
          <div>
            <div className="font-medium text-muted">Version</div>
            <div>{s?.version ?? '—'}</div>
          </div>
          <div>
            <div className="font-medium text-muted">Started</div>
            <div>{fmtDateTime(s?.started_at)}</div>
          </div>
        </div>
        <div>
          <div className="flex items-center justify-between text-xs font-medium text-muted">
            Public key {s?.public_key && <CopyButton value={s.public_key} label="public key" />}
          </div>
          <p className="mt-1 truncate font-mono text-xs">
            {s?.public_key ?? 'Not generated yet (arrives with signed responses).'}
          </p>
        </div>
        <div>
          <div className="flex items-center justify-between text-xs font-medium text-muted">
            License file key (Ed25519)
            {s?.ed25519_public_key && (
              <CopyButton value={s.ed25519_public_key} label="license file public key" />
            )}
          </div>
          <p className="mt-1 truncate font-mono text-xs" title={s?.ed25519_public_key ?? undefined}>
            {s?.ed25519_public_key?.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '') ?? '—'}
          </p>
          <p className="mt-1 text-xs text-muted">
            Pin it in your app: license files and revocation lists verify against it offline.
          </p>
        </div>
      </div>
    </Card>
  )
}
