import { useState } from 'react'
import { RefreshCw } from 'lucide-react'
import { signingExample, type ApiKeyDto } from '@shared/apikeys'
import { useApp } from '../../store'
import { Field } from '../../components/ui/field'
import { Input, Select, Textarea } from '../../components/ui/input'
import { Button } from '../../components/ui/button'
import { CopyButton } from '../../components/ui/copy'

const METHODS = ['POST', 'PUT', 'DELETE', 'GET']
const unixNow = () => String(Math.floor(Date.now() / 1000))

/**
 * "Signing example" for one key: pick a request, see the exact string the signature covers
 * and a curl line (bash + openssl) that signs and sends it. With the secret (right after
 * creation) the snippet is ready to run; later the secret is a placeholder, since the console
 * never shows it again.
 */
export function SigningPanel({
  apiKey,
  fullKey,
  secret,
}: {
  apiKey: ApiKeyDto
  fullKey?: string
  secret?: string
}) {
  const serverUrl = useApp((s) => s.server?.url) ?? window.location.origin
  const [method, setMethod] = useState('POST')
  const [path, setPath] = useState('/api/licenses')
  const [body, setBody] = useState(() =>
    JSON.stringify({ product_id: apiKey.product_id ?? '<product id>', type: 'lifetime' }),
  )
  const [ts, setTs] = useState(unixNow)
  const sendsBody = method === 'POST' || method === 'PUT'
  const ex = signingExample({
    baseUrl: serverUrl,
    key: fullKey ?? `${apiKey.prefix}…`,
    secret,
    method,
    path,
    body: sendsBody ? body : '',
    timestamp: ts,
  })

  return (
    <section aria-labelledby={`signing-${apiKey.id}`} className="flex flex-col gap-3">
      <h3 id={`signing-${apiKey.id}`} className="text-sm font-semibold text-fg">
        Signing example
      </h3>
      <p className="text-xs text-muted">
        X-Signature = Base64(HMAC-SHA256(secret, METHOD + &quot;\n&quot; + PATH + &quot;\n&quot; +
        TIMESTAMP + &quot;\n&quot; + BODY)). PATH is sent as is, with its query string; BODY is the
        raw body, empty when there is none; the timestamp must be within 5 minutes of the
        server&apos;s clock, and each signature is accepted once.
      </p>
      <div className="grid grid-cols-[130px_1fr] gap-3">
        <Field label="Method">
          <Select value={method} onChange={(e) => setMethod(e.target.value)}>
            {METHODS.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </Select>
        </Field>
        <Field label="Path">
          <Input value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
        </Field>
      </div>
      {sendsBody && (
        <Field label="Body">
          <Textarea
            value={body}
            onChange={(e) => setBody(e.target.value)}
            spellCheck={false}
            className="font-mono text-xs"
          />
        </Field>
      )}
      <div>
        <div className="flex items-center justify-between">
          <span className="text-[13px] font-medium text-fg">String to sign (timestamp {ts})</span>
          <span className="flex items-center">
            <Button
              size="icon"
              variant="ghost"
              aria-label="Use the current time"
              title="Use the current time"
              onClick={() => setTs(unixNow())}
            >
              <RefreshCw aria-hidden="true" size={15} />
            </Button>
            <CopyButton value={ex.stringToSign} label="string to sign" />
          </span>
        </div>
        <pre className="mt-1 rounded-md bg-surface-2 p-3 font-mono text-xs break-all whitespace-pre-wrap text-fg">
          {ex.stringToSign.split('\n').map((line, i, all) => (
            <span key={i}>
              {line}
              {i < all.length - 1 && <span className="text-muted">↵{'\n'}</span>}
            </span>
          ))}
        </pre>
      </div>
      <div>
        <div className="flex items-center justify-between">
          <span className="text-[13px] font-medium text-fg">curl (bash, openssl)</span>
          <CopyButton value={ex.curl} label="curl command" />
        </div>
        <pre className="mt-1 rounded-md bg-surface-2 p-3 font-mono text-xs break-all whitespace-pre-wrap text-fg">
          {ex.curl}
        </pre>
      </div>
    </section>
  )
}
