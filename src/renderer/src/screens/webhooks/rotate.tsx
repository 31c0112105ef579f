import { useState } from 'react'
import { DEFAULT_OVERLAP_HOURS, type WebhookDto } from '@shared/channels/webhooks'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'
import { CopyButton } from '../../components/ui/copy'
import { fmtDateTime } from '../../lib/format'

/**
 * Rotate a webhook's signing secret: choose the overlap, then see the new secret once and
 * until when the previous one still signs deliveries.
 */
export function RotateSecret(props: { webhook: WebhookDto; onClose(): void }) {
  const rotate = useApp((s) => s.rotateWebhookSecret)
  const [hours, setHours] = useState(String(DEFAULT_OVERLAP_HOURS))
  const [rotated, setRotated] = useState<WebhookDto | null>(null)
  const [busy, setBusy] = useState(false)
  const hoursError = /^\d{1,3}$/.test(hours) && Number(hours) <= 720 ? undefined : '0 to 720 hours'
  const onOpenChange = (o: boolean) => !o && props.onClose()

  if (rotated) {
    return (
      <Modal
        open
        onOpenChange={onOpenChange}
        title="Secret rotated"
        description="Copy the new signing secret now: it is shown in full only once."
        footer={
          <Button variant="primary" onClick={props.onClose}>
            Done
          </Button>
        }
      >
        <div className="flex flex-col gap-3">
          <div className="flex items-end gap-1">
            <Field label="New signing secret" className="flex flex-1 flex-col gap-1.5">
              <Input readOnly value={rotated.secret} className="font-mono" />
            </Field>
            <CopyButton value={rotated.secret} label="signing secret" />
          </div>
          <p role="status" className="text-[13px] text-muted">
            {rotated.previous_secret_expires_at
              ? `The previous secret also signs deliveries until ${fmtDateTime(rotated.previous_secret_expires_at)} (a second v1= in Keywarden-Signature).`
              : 'The previous secret no longer signs deliveries.'}
          </p>
        </div>
      </Modal>
    )
  }
  return (
    <Modal
      open
      onOpenChange={onOpenChange}
      title="Rotate signing secret?"
      description={`A new secret replaces the current one for ${props.webhook.url}. During the overlap every delivery is signed with both, so your receiver keeps working while you deploy the new one.`}
      footer={
        <>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={busy || Boolean(hoursError)}
            onClick={async () => {
              setBusy(true)
              const w = await rotate(props.webhook.id, Number(hours))
              setBusy(false)
              if (w) setRotated(w)
            }}
          >
            Rotate secret
          </Button>
        </>
      }
    >
      <Field label="Overlap (hours)" error={hoursError} hint="0 ends the old secret at once">
        <Input inputMode="numeric" value={hours} onChange={(e) => setHours(e.target.value)} />
      </Field>
    </Modal>
  )
}
