import { useState } from 'react'
import { Button } from '../../components/ui/button'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Input } from '../../components/ui/input'

/**
 * Asks how many days to add to an expiry; `onExtend` resolves true when it worked, which
 * closes the dialog. Used for one license (drawer) and for a selection (bulk bar).
 */
export function ExtendDialog({
  open,
  onOpenChange,
  title,
  description,
  onExtend,
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  title: string
  description: string
  onExtend: (days: number) => Promise<boolean>
}) {
  const [days, setDays] = useState('30')
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title={title}
      description={description}
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!(Number(days) >= 1)}
            onClick={async () => {
              if (await onExtend(Number(days))) onOpenChange(false)
            }}
          >
            Extend by {days || 0} days
          </Button>
        </>
      }
    >
      <Field label="Days to add">
        <Input type="number" min={1} value={days} onChange={(e) => setDays(e.target.value)} />
      </Field>
    </Modal>
  )
}
