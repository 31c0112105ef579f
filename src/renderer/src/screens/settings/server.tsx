import { useState } from 'react'
import type { ServerStatus } from '@shared/dto'
import { TriangleAlert } from 'lucide-react'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Field } from '../../components/ui/field'
import { Checkbox, Input } from '../../components/ui/input'
import { Button } from '../../components/ui/button'

/** Bind address and port, with LAN exposure behind a clear warning; restart applies them. */
export function ServerSection() {
  const server = useApp((s) => s.server)
  // Re-keyed on the live address so the form starts from what the server really uses.
  return <ServerForm key={`${server?.host}:${server?.port}`} server={server} />
}

function ServerForm({ server }: { server: ServerStatus | null }) {
  const restart = useApp((s) => s.restartServer)
  const confirm = useApp((s) => s.confirm)
  const transport = useApp((s) => s.transport)
  const [lan, setLan] = useState(server?.host === '0.0.0.0' || server?.host === '::')
  const [port, setPort] = useState(server ? String(server.port) : '')
  const portNum = Number(port)
  const portOk = Number.isInteger(portNum) && portNum >= 0 && portNum <= 65535 && port !== ''
  return (
    <Card>
      <CardHeader title="Server" description="Where your apps reach this license server." />
      <form
        aria-label="Server address"
        className="flex flex-col gap-4 px-4 py-4"
        onSubmit={async (e) => {
          e.preventDefault()
          const host = lan ? '0.0.0.0' : '127.0.0.1'
          const ok = await confirm({
            title: 'Restart the server?',
            description: `The server stops and listens again on ${host}:${portNum}. Apps mid-request retry; ${
              transport === 'http'
                ? 'this browser console will need the new address if the port changes.'
                : 'the console reconnects by itself.'
            }`,
            confirmLabel: 'Restart server',
          })
          if (ok) await restart(host, portNum)
        }}
      >
        <Field
          label="Port"
          error={portOk ? undefined : 'A port from 0 to 65535'}
          hint="0 picks a free port."
        >
          <Input
            type="number"
            min={0}
            max={65535}
            value={port}
            onChange={(e) => setPort(e.target.value)}
          />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <Checkbox checked={lan} onChange={(e) => setLan(e.target.checked)} /> Expose on my local
          network (bind 0.0.0.0)
        </label>
        {lan && (
          <div
            role="note"
            className="flex gap-2 rounded-md bg-warn-soft px-3 py-2 text-sm text-warn"
          >
            <TriangleAlert aria-hidden="true" size={16} className="mt-0.5 shrink-0" />
            <span>
              Every device on your network can reach the license API and the admin endpoints. Use it
              on a network you trust, keep strong passwords, and prefer a TLS tunnel for the
              internet.
            </span>
          </div>
        )}
        <div className="flex items-center justify-between">
          <span className="text-xs text-muted">
            Now: {server?.up ? server.url : 'stopped'}
            {server &&
              ` · ${server.workers === 1 ? '1 worker process' : `${server.workers} worker processes`}`}
          </span>
          <Button type="submit" variant="primary" size="sm" disabled={!portOk}>
            Apply and restart
          </Button>
        </div>
      </form>
    </Card>
  )
}
