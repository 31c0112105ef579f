import type { ReactNode } from 'react'
import { cn } from './cn'

export type Tone = 'neutral' | 'ok' | 'warn' | 'danger' | 'accent'

const tones: Record<Tone, string> = {
  neutral: 'bg-surface-2 text-muted',
  ok: 'bg-ok-soft text-ok',
  warn: 'bg-warn-soft text-warn',
  danger: 'bg-danger-soft text-danger',
  accent: 'bg-accent-soft text-accent',
}

export function Badge({ tone = 'neutral', children }: { tone?: Tone; children: ReactNode }) {
  return (
    <span
      className={cn(
        'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap',
        tones[tone],
      )}
    >
      {children}
    </span>
  )
}

const STATUS_TONE: Record<string, Tone> = {
  active: 'ok',
  expired: 'warn',
  suspended: 'warn',
  banned: 'danger',
  info: 'neutral',
  low: 'accent',
  medium: 'warn',
  high: 'danger',
  critical: 'danger',
}

/** A license status or event severity, coloured consistently everywhere. */
export function StatusBadge({ value }: { value: string }) {
  return <Badge tone={STATUS_TONE[value] ?? 'neutral'}>{value}</Badge>
}
