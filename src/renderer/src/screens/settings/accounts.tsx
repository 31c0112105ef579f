import { useEffect, useState } from 'react'
import { useForm } from 'react-hook-form'
import { zodResolver } from '@hookform/resolvers/zod'
import { UserPlus } from 'lucide-react'
import { z } from 'zod'
import { createAccountSchema, type SettingsDto } from '@shared/accounts'
import { useApp } from '../../store'
import { Card, CardHeader } from '../../components/ui/card'
import { Button } from '../../components/ui/button'
import { Modal } from '../../components/ui/dialog'
import { Field } from '../../components/ui/field'
import { Checkbox, Input, Select } from '../../components/ui/input'
import { Badge } from '../../components/ui/badge'
import { fmtRelative } from '../../lib/format'

// The name is optional: an empty field means "no name" (the server's schema wants 1+ chars).
const inviteSchema = createAccountSchema.extend({ display_name: z.string().trim().max(120) })
type Invite = z.input<typeof inviteSchema>

function InviteDialog({ open, onOpenChange }: { open: boolean; onOpenChange(o: boolean): void }) {
  const invite = useApp((s) => s.inviteAccount)
  const f = useForm<Invite>({
    resolver: zodResolver(inviteSchema),
    defaultValues: { email: '', password: '', display_name: '', role: 'user' },
  })
  const e = f.formState.errors
  const submit = f.handleSubmit(async (v) => {
    if (await invite({ ...v, display_name: v.display_name || undefined, role: v.role ?? 'user' })) {
      f.reset()
      onOpenChange(false)
    }
  })
  return (
    <Modal
      open={open}
      onOpenChange={onOpenChange}
      title="Invite an account"
      description="Give them the email and first password; they can change the password after signing in."
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" type="submit" form="invite-account">
            Create account
          </Button>
        </>
      }
    >
      <form
        id="invite-account"
        noValidate
        onSubmit={(ev) => void submit(ev)}
        className="grid grid-cols-2 gap-4"
      >
        <Field label="Email" error={e.email?.message} className="col-span-2 flex flex-col gap-1.5">
          <Input type="email" autoComplete="off" {...f.register('email')} />
        </Field>
        <Field label="Name" error={e.display_name?.message}>
          <Input {...f.register('display_name')} />
        </Field>
        <Field label="Role" error={e.role?.message}>
          <Select {...f.register('role')}>
            <option value="user">User (own products only)</option>
            <option value="admin">Admin (everything)</option>
          </Select>
        </Field>
        <Field
          label="First password"
          error={e.password?.message}
          className="col-span-2 flex flex-col gap-1.5"
        >
          <Input type="password" autoComplete="new-password" {...f.register('password')} />
        </Field>
      </form>
    </Modal>
  )
}

function InstallationForm({ settings }: { settings: SettingsDto }) {
  const save = useApp((s) => s.updateInstallation)
  const [ttl, setTtl] = useState(String(settings.access_token_ttl_minutes))
  const [rate, setRate] = useState(String(settings.api_rate_limit_per_minute))
  const [proxies, setProxies] = useState(settings.trusted_proxies.join(', '))
  const [hosts, setHosts] = useState(settings.allowed_hosts.join(', '))
  const list = (text: string) => text.split(/[\s,]+/).filter((v) => v !== '')
  return (
    <form
      aria-label="Management API settings"
      className="grid grid-cols-2 gap-3 border-t border-line px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault()
        void save({
          access_token_ttl_minutes: Number(ttl),
          api_rate_limit_per_minute: Number(rate),
          trusted_proxies: list(proxies),
          allowed_hosts: list(hosts),
        })
      }}
    >
      <label className="col-span-2 flex items-center gap-2 text-sm">
        <Checkbox
          checked={settings.registration_open}
          onChange={(e) => void save({ registration_open: e.target.checked })}
        />
        Anyone may register an account over the API
      </label>
      <label className="col-span-2 flex items-center gap-2 text-sm">
        <Checkbox
          checked={settings.management_remote_access}
          onChange={(e) => void save({ management_remote_access: e.target.checked })}
        />
        Answer the management API from other machines (off: only this machine may manage; shipped
        apps reach the client API either way)
      </label>
      <Field label="Access token lifetime (minutes)">
        <Input type="number" min={1} value={ttl} onChange={(e) => setTtl(e.target.value)} />
      </Field>
      <Field label="API requests per minute per IP">
        <Input type="number" min={1} value={rate} onChange={(e) => setRate(e.target.value)} />
      </Field>
      <Field
        label="Trusted proxies (addresses or CIDR blocks whose X-Forwarded-For is believed)"
        className="col-span-2 flex flex-col gap-1.5"
      >
        <Input
          placeholder="none: forwarding headers are never believed"
          value={proxies}
          onChange={(e) => setProxies(e.target.value)}
        />
      </Field>
      <Field
        label="Allowed host names (besides this machine's own names and addresses)"
        className="col-span-2 flex flex-col gap-1.5"
      >
        <Input
          placeholder="e.g. keys.example.com"
          value={hosts}
          onChange={(e) => setHosts(e.target.value)}
        />
      </Field>
      <div className="col-span-2 flex justify-end">
        <Button type="submit" size="sm">
          Save
        </Button>
      </div>
    </form>
  )
}

/** Settings → Accounts: who can sign in to the management API and the web console. */
export function AccountsSection() {
  const accounts = useApp((s) => s.accounts)
  const installation = useApp((s) => s.installation)
  const load = useApp((s) => s.loadAccounts)
  const update = useApp((s) => s.updateAccount)
  const confirm = useApp((s) => s.confirm)
  const [inviting, setInviting] = useState(false)
  useEffect(() => {
    void load()
  }, [load])
  return (
    <Card>
      <CardHeader
        title="Accounts"
        description="Vendor accounts for the management API and the web console."
        actions={
          <Button size="sm" variant="primary" onClick={() => setInviting(true)}>
            <UserPlus aria-hidden="true" size={14} /> Invite
          </Button>
        }
      />
      <div className="px-4 py-3">
        {accounts.length === 0 ? (
          <p className="text-sm text-muted">
            No accounts yet. Invite one; the first account becomes an admin.
          </p>
        ) : (
          <ul aria-label="Accounts" className="divide-y divide-line">
            {accounts.map((a) => (
              <li key={a.id} className="flex items-center gap-2 py-2 text-sm">
                <div className="min-w-0 flex-1">
                  <div className="truncate font-medium" title={a.display_name || a.email}>
                    {a.display_name || a.email}
                  </div>
                  <div className="truncate text-xs text-muted" title={a.email}>
                    {a.email} · last sign-in {fmtRelative(a.last_login_at)}
                  </div>
                </div>
                {!a.is_active && <Badge tone="warn">deactivated</Badge>}
                <Select
                  aria-label={`Role of ${a.email}`}
                  className="h-8 w-auto min-w-24"
                  value={a.role === 'owner' ? 'admin' : a.role}
                  disabled={a.role === 'owner'}
                  onChange={(e) =>
                    void update(
                      a.id,
                      { role: e.target.value as 'user' | 'admin' },
                      `${a.email} is now ${e.target.value}`,
                    )
                  }
                >
                  <option value="user">user</option>
                  <option value="admin">admin</option>
                </Select>
                <Button
                  size="sm"
                  variant={a.is_active ? 'ghost' : 'secondary'}
                  onClick={async () => {
                    if (a.is_active) {
                      const ok = await confirm({
                        title: `Deactivate ${a.email}?`,
                        description:
                          'They can no longer sign in, and their API tokens stop working at once. Their products and licenses stay.',
                        confirmLabel: 'Deactivate',
                        destructive: true,
                      })
                      if (ok) await update(a.id, { is_active: false }, `${a.email} deactivated`)
                    } else await update(a.id, { is_active: true }, `${a.email} reactivated`)
                  }}
                >
                  {a.is_active ? 'Deactivate' : 'Reactivate'}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {installation && (
        <InstallationForm key={JSON.stringify(installation)} settings={installation} />
      )}
      <InviteDialog open={inviting} onOpenChange={setInviting} />
    </Card>
  )
}
