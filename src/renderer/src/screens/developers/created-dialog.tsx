import { TriangleAlert } from 'lucide-react'
import type { CreatedHirezDeveloperDto } from '@shared/hirez'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { CopyButton } from '../../components/ui/copy'
import { useApp } from '../../store'

function Value({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <div className="text-[13px] font-medium text-fg">{label}</div>
      <div className="mt-1 flex items-center gap-1 rounded-md border border-line bg-surface-2 px-3 py-1.5">
        <code
          className="flex-1 font-mono text-xs break-all"
          data-testid={`created-${label.toLowerCase().replace(/\s+/g, '-')}`}
        >
          {value}
        </code>
        <CopyButton value={value} label={label.toLowerCase()} />
      </div>
    </div>
  )
}

/** Shows a new (or re-keyed) credential's auth key, once, with a ready-to-run first call. */
export function CreatedDeveloperDialog({
  created,
  onClose,
}: {
  created: CreatedHirezDeveloperDto | null
  onClose(): void
}) {
  const base = useApp((s) => s.server?.url ?? 'http://127.0.0.1:47293')
  const example = created
    ? [
        `DEV=${created.dev_id} KEY=${created.auth_key}`,
        `TS=$(date -u +%Y%m%d%H%M%S)`,
        `SIG=$(printf '%s' "\${DEV}createsession\${KEY}\${TS}" | md5sum | cut -d' ' -f1)`,
        `curl "${base}/hirez/createsessionjson/$DEV/$SIG/$TS"`,
      ].join('\n')
    : ''
  return (
    <Modal
      open={created !== null}
      onOpenChange={(o) => !o && onClose()}
      title="Copy the auth key now"
      description="Keywarden keeps it sealed with the master key and never shows it again."
      width="max-w-3xl"
      footer={
        <Button variant="primary" onClick={onClose}>
          I have stored it
        </Button>
      }
    >
      {created && (
        <div className="flex flex-col gap-4">
          <p className="flex items-start gap-2 rounded-md bg-warn-soft px-3 py-2 text-sm text-warn">
            <TriangleAlert aria-hidden="true" size={16} className="mt-0.5 shrink-0" />
            Give it to the developer over a private channel. Re-key it here if it leaks: the old key
            and its sessions stop at once.
          </p>
          <Value label="Developer id" value={String(created.dev_id)} />
          <Value label="Auth key" value={created.auth_key} />
          <div>
            <div className="text-[13px] font-medium text-fg">First call</div>
            <pre className="mt-1 overflow-x-auto rounded-md border border-line bg-surface-2 p-3 font-mono text-xs">
              {example}
            </pre>
          </div>
        </div>
      )}
    </Modal>
  )
}
