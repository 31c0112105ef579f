import { useState } from 'react'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'

/**
 * Asks why before a suspension or a ban. The reason is optional (as over the API); it is
 * kept as the license's status reason and in the event the timeline shows.
 */
export function ReasonDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  placeholder,
  onConfirm,
}: {
  open: boolean
  onOpenChange(open: boolean): void
  title: string
  description: string
  confirmLabel: string
  placeholder: string
  /** Resolves true when done (the dialog closes). */
  onConfirm(reason: string | undefined): Promise<boolean>
}) {
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  // Each ask starts blank.
  const change = (o: boolean) => {
    if (!o) setReason('')
    onOpenChange(o)
  }
  const submit = async () => {
    setBusy(true)
    try {
      if (await onConfirm(reason.trim() || undefined)) change(false)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal
      open={open}
      onOpenChange={change}
      title={title}
      description={description}
      footer={
        <>
          <Button onClick={() => change(false)}>Cancel</Button>
          <Button variant="danger" disabled={busy} onClick={() => void submit()}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <Field label="Reason (optional)" hint="Kept with the license and shown in its activity.">
          <Input
            autoFocus
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            placeholder={placeholder}
          />
        </Field>
      </form>
    </Modal>
  )
}
