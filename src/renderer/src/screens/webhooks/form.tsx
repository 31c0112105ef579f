import { useState } from 'react'
import { WEBHOOK_EVENTS, type WebhookDto, type WebhookEvent } from '@shared/channels/webhooks'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Checkbox, Input } from '../../components/ui/input'

/** Create (webhook = null) or edit an endpoint: URL, events, secret, active. */
export function WebhookForm(props: {
  open: boolean
  webhook: WebhookDto | null
  onOpenChange(o: boolean): void
}) {
  const create = useApp((s) => s.createWebhook)
  const update = useApp((s) => s.updateWebhook)
  // Mounted fresh for each opening (keyed by the caller), so state starts from the props.
  const [url, setUrl] = useState(props.webhook?.url ?? '')
  const [events, setEvents] = useState<WebhookEvent[]>(props.webhook?.events ?? ['license.created'])
  const [secret, setSecret] = useState('')
  const [active, setActive] = useState(props.webhook?.is_active ?? true)
  const [created, setCreated] = useState<WebhookDto | null>(null)
  const urlError = url && !/^https?:\/\/\S+$/.test(url) ? 'An http(s) URL' : undefined
  const secretError = secret && secret.length < 16 ? 'At least 16 characters' : undefined
  const toggle = (e: WebhookEvent) =>
    setEvents(events.includes(e) ? events.filter((x) => x !== e) : [...events, e])

  const save = async () => {
    if (props.webhook) {
      const w = await update(props.webhook.id, {
        url,
        events,
        is_active: active,
        ...(secret && { secret }),
      })
      if (w) props.onOpenChange(false)
    } else {
      const w = await create({ url, events, is_active: active, ...(secret && { secret }) })
      if (w) setCreated(w)
    }
  }

  if (created) {
    return (
      <Modal
        open={props.open}
        onOpenChange={props.onOpenChange}
        title="Webhook created"
        description="Copy the signing secret now: it is shown in full only once."
        footer={
          <Button variant="primary" onClick={() => props.onOpenChange(false)}>
            Done
          </Button>
        }
      >
        <Field
          label="Signing secret"
          hint='Verify Keywarden-Signature: t=…,v1=HMAC-SHA256(secret, t + "." + raw body)'
        >
          <Input readOnly value={created.secret} className="font-mono" />
        </Field>
      </Modal>
    )
  }
  return (
    <Modal
      open={props.open}
      onOpenChange={props.onOpenChange}
      title={props.webhook ? 'Edit webhook' : 'New webhook'}
      footer={
        <>
          <Button onClick={() => props.onOpenChange(false)}>Cancel</Button>
          <Button
            variant="primary"
            disabled={!url || Boolean(urlError) || Boolean(secretError) || events.length === 0}
            onClick={() => void save()}
          >
            {props.webhook ? 'Save' : 'Create webhook'}
          </Button>
        </>
      }
    >
      <div className="flex flex-col gap-4">
        <Field label="Endpoint URL" error={urlError}>
          <Input
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://your-server.com/webhook"
          />
        </Field>
        <fieldset>
          <legend className="text-[13px] font-medium text-fg">Events</legend>
          <div className="mt-2 grid grid-cols-2 gap-2">
            {WEBHOOK_EVENTS.map((e) => (
              <label key={e} className="flex items-center gap-2 text-sm">
                <Checkbox checked={events.includes(e)} onChange={() => toggle(e)} />
                <span className="font-mono text-[12px]">{e}</span>
              </label>
            ))}
          </div>
          {events.length === 0 && (
            <p role="alert" className="mt-1 text-xs text-danger">
              Pick at least one event
            </p>
          )}
        </fieldset>
        <Field
          label={props.webhook ? 'New secret' : 'Secret'}
          error={secretError}
          hint={
            props.webhook ? 'Leave empty to keep the current one' : 'Leave empty to generate one'
          }
        >
          <Input
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            maxLength={256}
            autoComplete="off"
          />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <Checkbox checked={active} onChange={(e) => setActive(e.target.checked)} /> Active
        </label>
      </div>
    </Modal>
  )
}
