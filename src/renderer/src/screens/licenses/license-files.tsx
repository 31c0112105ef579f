import { useEffect, useState } from 'react'
import { FileKey2 } from 'lucide-react'
import type { LicenseDto } from '@shared/dto'
import { useApp } from '../../store'
import { Modal } from '../../components/ui/dialog'
import { Button } from '../../components/ui/button'
import { Field } from '../../components/ui/field'
import { Checkbox, Input, Textarea } from '../../components/ui/input'
import { download, fmtDateTime } from '../../lib/format'

const LIC_TYPE = 'application/x-pem-file'

/** TTL in whole days (1–366) from the form's text, or null when it is not one. */
function ttlOf(days: string): number | null {
  const n = Number(days)
  return Number.isInteger(n) && n >= 1 && n <= 366 ? n * 86_400 : null
}

function Options({
  days,
  setDays,
  encrypt,
  setEncrypt,
}: {
  days: string
  setDays: (v: string) => void
  encrypt: boolean
  setEncrypt: (v: boolean) => void
}) {
  return (
    <>
      <Field
        label="Valid for (days)"
        hint="The file expires then (or with the license, if sooner); the app checks out a new one."
        error={ttlOf(days) === null ? 'Between 1 and 366 days' : undefined}
      >
        <Input inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <Checkbox checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} />
        Encrypt (AES-256-GCM): only the license key (and machine fingerprint) opens it
      </label>
    </>
  )
}

/** The drawer's "License file" button: check out a signed file and download it. */
export function LicenseFileButton({ l }: { l: LicenseDto }) {
  const checkOut = useApp((s) => s.checkOutLicenseFile)
  const [open, setOpen] = useState(false)
  const [fingerprint, setFingerprint] = useState('')
  const [days, setDays] = useState('30')
  const [encrypt, setEncrypt] = useState(false)
  const [busy, setBusy] = useState(false)
  const ttl = ttlOf(days)
  return (
    <>
      <Button size="sm" disabled={l.status !== 'active'} onClick={() => setOpen(true)}>
        <FileKey2 aria-hidden="true" size={14} /> License file
      </Button>
      <Modal
        open={open}
        onOpenChange={setOpen}
        title="Download a license file"
        description={`A file signed with this server's Ed25519 key that the app verifies offline against the public key it pins. ${l.license_key}`}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button
              variant="primary"
              disabled={ttl === null || busy}
              onClick={async () => {
                setBusy(true)
                const f = await checkOut(l.id, {
                  ttl: ttl!,
                  encrypt,
                  ...(fingerprint.trim() && { fingerprint: fingerprint.trim() }),
                })
                setBusy(false)
                if (!f) return
                download(`${l.license_key.slice(0, 9)}.lic`, f.file, LIC_TYPE)
                setOpen(false)
              }}
            >
              Download file
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-4">
          <Field
            label="Machine fingerprint (optional)"
            hint="Binds the file to one machine and activates it (counts against the license's machines). Empty: a license-wide file."
          >
            <Input
              value={fingerprint}
              onChange={(e) => setFingerprint(e.target.value)}
              placeholder="the app's HWID"
            />
          </Field>
          <Options days={days} setDays={setDays} encrypt={encrypt} setEncrypt={setEncrypt} />
        </div>
      </Modal>
    </>
  )
}

/** Air-gapped activation: paste or upload the app's request file, download its license file. */
export function OfflineActivationButton() {
  const fromRequest = useApp((s) => s.licenseFileFromRequest)
  const [open, setOpen] = useState(false)
  const [request, setRequest] = useState('')
  const [days, setDays] = useState('30')
  const [encrypt, setEncrypt] = useState(true)
  const [busy, setBusy] = useState(false)
  const ttl = ttlOf(days)
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <FileKey2 aria-hidden="true" size={16} /> Offline activation
      </Button>
      <Modal
        open={open}
        onOpenChange={setOpen}
        title="Offline activation"
        description="For a customer without network: their app writes a request file (license key and machine fingerprint). Paste or upload it; send them back the license file."
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button
              variant="primary"
              disabled={!request.trim() || ttl === null || busy}
              onClick={async () => {
                setBusy(true)
                const f = await fromRequest(request, { ttl: ttl!, encrypt })
                setBusy(false)
                if (!f) return
                download('license.lic', f.file, LIC_TYPE)
                setRequest('')
                setOpen(false)
              }}
            >
              Create license file
            </Button>
          </>
        }
      >
        <div className="flex flex-col gap-4">
          <Field label="Request file" hint="-----BEGIN LICENSE REQUEST----- … as the app wrote it.">
            <Textarea
              className="min-h-32 font-mono text-xs"
              value={request}
              onChange={(e) => setRequest(e.target.value)}
            />
          </Field>
          <Field label="Or upload it">
            <input
              type="file"
              accept=".req,.txt,text/plain"
              className="text-sm"
              onChange={async (e) => {
                const file = e.target.files?.[0]
                if (file) setRequest(await file.text())
              }}
            />
          </Field>
          <Options days={days} setDays={setDays} encrypt={encrypt} setEncrypt={setEncrypt} />
        </div>
      </Modal>
    </>
  )
}

/** The open license's issued files, each revocable (it then goes on the revocation list). */
export function LicenseFilesSection({ l }: { l: LicenseDto }) {
  const files = useApp((s) => (s.licenseFilesOf === l.id ? s.licenseFiles : []))
  const load = useApp((s) => s.loadLicenseFiles)
  const revoke = useApp((s) => s.revokeLicenseFile)
  const confirm = useApp((s) => s.confirm)
  useEffect(() => {
    void load(l.id)
  }, [l.id, load])
  return (
    <section aria-labelledby="lic-files">
      <h3 id="lic-files" className="mb-2 text-sm font-semibold">
        License files ({files.length})
      </h3>
      {files.length === 0 ? (
        <p className="text-sm text-muted">No license files issued.</p>
      ) : (
        <ul
          aria-label="License files"
          className="divide-y divide-line rounded-md border border-line"
        >
          {files.map((f) => (
            <li key={f.id} className="flex items-center gap-3 px-3 py-2 text-sm">
              <div className="min-w-0 flex-1">
                <div className="truncate">
                  {f.machine_fingerprint ?? 'license-wide'} · {f.source}
                  {f.alg.startsWith('aes') ? ' · encrypted' : ''}
                </div>
                <div className="text-xs text-muted">
                  issued {fmtDateTime(f.issued_at)} · expires {fmtDateTime(f.expires_at)}
                  {f.revoked_at && ` · revoked ${fmtDateTime(f.revoked_at)}`}
                </div>
              </div>
              {!f.revoked_at && (
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Revoke license file issued ${fmtDateTime(f.issued_at)}`}
                  onClick={async () => {
                    if (
                      await confirm({
                        title: 'Revoke this license file?',
                        description:
                          'It goes on the signed revocation list; apps that fetch the list stop accepting it.',
                        confirmLabel: 'Revoke file',
                        destructive: true,
                      })
                    )
                      await revoke(l.id, f.id)
                  }}
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
