import { NumberSettingsCard, type NumberField } from './number-settings'

/** Each limit's label and what it does, in the order the form shows them. */
const FIELDS: NumberField[] = [
  {
    key: 'http_request_timeout_seconds',
    label: 'Request timeout (seconds)',
    hint: 'A request must arrive whole within this time (408 otherwise).',
    min: 1,
  },
  {
    key: 'http_headers_timeout_seconds',
    label: 'Headers timeout (seconds)',
    hint: 'A client that trickles its headers is cut off after this.',
    min: 1,
  },
  {
    key: 'http_keep_alive_timeout_seconds',
    label: 'Keep-alive timeout (seconds)',
    hint: 'An idle connection is closed after this.',
    min: 1,
  },
  {
    key: 'http_max_connections',
    label: 'Open connections at most',
    hint: 'Connections past this are closed at once.',
    min: 1,
  },
  {
    key: 'http_max_requests_per_connection',
    label: 'Requests per connection (0: no limit)',
    hint: 'Keep 0 unless a proxy needs it: keep-alive clients get 503 past a limit.',
    min: 0,
  },
]

/** Settings → Connections: how long slow clients may take and how many may be connected. */
export function ConnectionsSection() {
  return (
    <NumberSettingsCard
      title="Connections"
      description="Timeouts and limits for every client; changes apply to new connections at once."
      formLabel="Connection limits"
      fields={FIELDS}
    />
  )
}
