import { NumberSettingsCard, type NumberField } from './number-settings'

const FIELDS: NumberField[] = [
  {
    key: 'client_validate_per_minute',
    label: 'Validations per minute per key and IP',
    hint: 'For unknown keys, and what new products start with (each product has its own).',
    min: 1,
  },
  {
    key: 'envelope_window_seconds',
    label: 'Encrypted request window (seconds)',
    hint: 'How far a request’s timestamp may be from this server’s clock, either way.',
    min: 10,
  },
]

/** Settings → Client API: the limits the apps you ship are held to, for all products. */
export function ClientApiSection() {
  return (
    <NumberSettingsCard
      title="Client API"
      description="Limits for the apps you ship, across products."
      formLabel="Client API limits"
      fields={FIELDS}
    />
  )
}
