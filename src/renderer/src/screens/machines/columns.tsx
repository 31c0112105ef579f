import type { MachineViewDto } from '@shared/channels/console-licenses'
import type { ColumnSpec } from '../../components/ui/data-table'
import { HeartbeatBadge } from '../licenses/drawer-sections'
import { fmtDateTime, fmtRelative } from '../../lib/format'

/** The columns of a machines table (machines view, customer page). */
export const machineColumns: ColumnSpec<MachineViewDto>[] = [
  {
    id: 'hwid',
    header: 'HWID',
    width: 'minmax(120px,1fr)',
    cell: (m) => (
      <span className="truncate font-mono text-[12px]" title={m.hwid}>
        {m.hwid}
      </span>
    ),
  },
  {
    id: 'license',
    header: 'License',
    width: '190px',
    cell: (m) => (
      <span
        className="truncate font-mono text-[12px]"
        title={`${m.license_key} · ${m.product_name}`}
      >
        {m.license_key}
      </span>
    ),
  },
  // The key's tooltip names the product too: below 1200 px the column gives way (Columns menu).
  {
    id: 'product',
    header: 'Product',
    width: 'minmax(90px,1fr)',
    optional: true,
    cell: (m) => (
      <span className="truncate" title={m.product_name}>
        {m.product_name}
      </span>
    ),
  },
  { id: 'platform', header: 'Platform', width: '96px', cell: (m) => m.platform ?? '—' },
  { id: 'version', header: 'App version', width: '116px', cell: (m) => m.app_version ?? '—' },
  {
    id: 'ip',
    header: 'Last IP',
    width: '110px',
    cell: (m) => <span className="font-mono text-[12px]">{m.ip ?? '—'}</span>,
  },
  {
    id: 'seen',
    header: 'Last seen',
    width: '96px',
    cell: (m) => (
      <time dateTime={m.last_seen_at} title={fmtDateTime(m.last_seen_at)}>
        {fmtRelative(m.last_seen_at)}
      </time>
    ),
  },
  { id: 'heartbeat', header: 'Heartbeat', width: '156px', cell: (m) => <HeartbeatBadge m={m} /> },
]
