import { KeyRound } from 'lucide-react'
import { useState, type FormEvent } from 'react'
import { useApp } from '../../store'
import { Button } from '../ui/button'
import { Field } from '../ui/field'
import { Input } from '../ui/input'

/** The headless web console's login: the setup token `serve` printed, or an account. */
export function LoginScreen() {
  const login = useApp((s) => s.login)
  const error = useApp((s) => s.loginError)
  const [mode, setMode] = useState<'token' | 'account'>('token')
  const [token, setToken] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    await login(mode === 'token' ? { token: token.trim() } : { email, password })
    setBusy(false)
  }

  return (
    <main className="flex min-h-full items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-xl border border-line bg-surface p-7 shadow-lg">
        <div className="mb-6 flex items-center gap-2">
          <div className="rounded-md bg-accent p-1.5 text-accent-fg">
            <KeyRound aria-hidden="true" size={18} />
          </div>
          <h1 className="text-lg font-semibold">Sign in to Keywarden</h1>
        </div>
        <div
          role="tablist"
          aria-label="Sign-in method"
          className="mb-5 grid grid-cols-2 rounded-md bg-surface-2 p-1 text-sm"
        >
          {(['token', 'account'] as const).map((m) => (
            <button
              key={m}
              type="button"
              role="tab"
              aria-selected={mode === m}
              onClick={() => setMode(m)}
              className={`rounded px-3 py-1.5 ${mode === m ? 'bg-surface font-medium shadow-sm' : 'text-muted'}`}
            >
              {m === 'token' ? 'Setup token' : 'Account'}
            </button>
          ))}
        </div>
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-4" aria-label="Sign in">
          {mode === 'token' ? (
            <Field
              label="Setup token"
              hint="Printed by `npm run serve -- --console` when the server started."
            >
              <Input
                value={token}
                onChange={(e) => setToken(e.target.value)}
                autoComplete="off"
                required
                autoFocus
              />
            </Field>
          ) : (
            <>
              <Field label="Email">
                <Input
                  type="email"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                  autoComplete="username"
                  required
                  autoFocus
                />
              </Field>
              <Field label="Password">
                <Input
                  type="password"
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                  autoComplete="current-password"
                  required
                />
              </Field>
            </>
          )}
          {error && (
            <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger">
              {error}
            </p>
          )}
          <Button type="submit" variant="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
        </form>
      </div>
    </main>
  )
}
