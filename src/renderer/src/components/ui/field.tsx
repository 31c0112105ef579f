import { useId, type ReactElement, type ReactNode, cloneElement } from 'react'

interface FieldProps {
  label: string
  /** The form's error for this field (react-hook-form's `errors.x?.message`). */
  error?: string
  hint?: ReactNode
  /** One input element; Field gives it an id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>
  className?: string
}

/** A labelled form control with its hint and error, wired for screen readers. */
export function Field({ label, error, hint, children, className }: FieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errId = `${id}-err`
  const describedBy =
    [hint ? hintId : null, error ? errId : null].filter(Boolean).join(' ') || undefined
  return (
    <div className={className ?? 'flex flex-col gap-1.5'}>
      <label htmlFor={id} className="text-[13px] font-medium text-fg">
        {label}
      </label>
      {cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy,
      })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      )}
      {error && (
        <p id={errId} role="alert" className="text-xs font-medium text-danger">
          {error}
        </p>
      )}
    </div>
  )
}
