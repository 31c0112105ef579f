import { TriangleAlert } from 'lucide-react'
import type { CreatedApiKeyDto } from '@shared/apikeys'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { CopyButton } from '../../components/ui/copy'
import { SigningPanel } from './signing-panel'

function Secret({ label, value }: { label: string; value: string }) {
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

/** Shows a new key and its secret, once, with a ready-to-run signing example. */
export function CreatedKeyDialog({
  created,
  onClose,
}: {
  created: CreatedApiKeyDto | null
  onClose(): void
}) {
  return (
    <Modal
      open={created !== null}
      onOpenChange={(o) => !o && onClose()}
      title="Copy your API key now"
      description="Keywarden keeps only a hash of the key and a sealed copy of the secret: neither can be shown again."
      width="max-w-3xl"
      footer={
        <Button variant="primary" onClick={onClose}>
          I have stored them
        </Button>
      }
    >
      {created && (
        <div className="flex flex-col gap-4">
          <p className="flex items-start gap-2 rounded-md bg-warn-soft px-3 py-2 text-sm text-warn">
            <TriangleAlert aria-hidden="true" size={16} className="mt-0.5 shrink-0" />
            Keep both in your backend&apos;s secret store. Never put them in software you ship to
            customers: that is what license keys are for.
          </p>
          <Secret label="API key" value={created.key} />
          <Secret label="Signing secret" value={created.secret} />
          <SigningPanel apiKey={created} fullKey={created.key} secret={created.secret} />
        </div>
      )}
    </Modal>
  )
}
