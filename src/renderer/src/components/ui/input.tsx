import {
  forwardRef,
  type InputHTMLAttributes,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react'
import { cn } from './cn'

/** Full width unless the caller gives a width of its own (filters bars). */
const width = (className?: string) => (className && /(^|\s)w-/.test(className) ? '' : 'w-full')

const base =
  'rounded-md border border-line bg-surface px-3 text-sm text-fg placeholder:text-muted disabled:opacity-60 aria-[invalid=true]:border-danger'

export const Input = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(
  function Input({ className, ...props }, ref) {
    return <input ref={ref} className={cn(base, width(className), 'h-9', className)} {...props} />
  },
)

export const Textarea = forwardRef<
  HTMLTextAreaElement,
  TextareaHTMLAttributes<HTMLTextAreaElement>
>(function Textarea({ className, ...props }, ref) {
  return (
    <textarea
      ref={ref}
      className={cn(base, width(className), 'min-h-20 py-2', className)}
      {...props}
    />
  )
})

/** A native select: accessible and keyboard-friendly on every platform. */
export const Select = forwardRef<HTMLSelectElement, SelectHTMLAttributes<HTMLSelectElement>>(
  function Select({ className, ...props }, ref) {
    return (
      <select ref={ref} className={cn(base, width(className), 'h-9 pr-8', className)} {...props} />
    )
  },
)

export const Checkbox = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(
  function Checkbox({ className, ...props }, ref) {
    return (
      <input
        ref={ref}
        type="checkbox"
        className={cn('h-4 w-4 accent-[var(--kw-accent)]', className)}
        {...props}
      />
    )
  },
)
