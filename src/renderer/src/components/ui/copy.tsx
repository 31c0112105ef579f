import { Check, Copy } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import { Button } from './button'

/** Copies `value` to the clipboard; `label` names what is copied for screen readers. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [done, setDone] = useState(false)
  return (
    <Button
      size="icon"
      variant="ghost"
      aria-label={`Copy ${label}`}
      title={`Copy ${label}`}
      onClick={() => {
        navigator.clipboard.writeText(value).then(
          () => {
            setDone(true)
            toast.success(`${label[0].toUpperCase()}${label.slice(1)} copied`)
            setTimeout(() => setDone(false), 1500)
          },
          () => toast.error('The clipboard is not available here'),
        )
      }}
    >
      {done ? <Check aria-hidden="true" size={15} /> : <Copy aria-hidden="true" size={15} />}
    </Button>
  )
}
