import { AlertDialog as A } from 'radix-ui'
import { useApp } from '../../store'
import { Button } from './button'

/**
 * The one confirmation dialog, driven by `useApp.getState().confirm({...})`. Every destructive
 * action asks once, here, naming its consequence.
 */
export function ConfirmHost() {
  const req = useApp((s) => s.confirmRequest)
  const answer = useApp((s) => s.answerConfirm)
  return (
    <A.Root open={req !== null} onOpenChange={(o) => !o && answer(false)}>
      <A.Portal>
        <A.Overlay className="fixed inset-0 z-[60] bg-black/50" />
        <A.Content className="fixed top-1/2 left-1/2 z-[70] w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg border border-line bg-surface p-5 shadow-xl">
          <A.Title className="text-base font-semibold text-fg">{req?.title}</A.Title>
          <A.Description className="mt-2 text-sm text-muted">{req?.description}</A.Description>
          <div className="mt-5 flex justify-end gap-2">
            <A.Cancel asChild>
              <Button>Cancel</Button>
            </A.Cancel>
            <A.Action asChild>
              <Button
                variant={req?.destructive ? 'danger' : 'primary'}
                onClick={() => answer(true)}
              >
                {req?.confirmLabel}
              </Button>
            </A.Action>
          </div>
        </A.Content>
      </A.Portal>
    </A.Root>
  )
}
