import { createHash } from 'node:crypto'
import { challengeKey, mintChallenge, openChallenge } from '../../crypto/challenge'
import { loadOrCreateRsaKeys, type RsaKeyPair } from '../../crypto/keys'
import {
  canonicalPayload,
  createSigner,
  type SharedSignatures,
  watermark,
  watermarkKey,
  type Signer,
} from '../../crypto/sign'

/**
 * The server's signing identity: the RSA-4096 key pair (generated on first start, in the thread
 * pool, so startup is not held up), the response signer, the watermark and challenge keys.
 */
export function createAttestor(dataDir: string, shared?: SharedSignatures) {
  let keys: RsaKeyPair | null = null
  let signer: Signer | null = null
  let wmKey: Buffer | null = null
  let chKey: Buffer | null = null
  const ready = loadOrCreateRsaKeys(dataDir).then((k) => {
    keys = k
    signer = createSigner(k.privateKey, undefined, shared)
    wmKey = watermarkKey(k.privateKey)
    chKey = challengeKey(k.privateKey)
    return k
  })
  // A server closed before its first key landed (a short test) must not crash the process.
  ready.catch(() => {})

  return {
    /** Resolves once the key pair is loaded or generated. */
    ready: () => ready.then(() => undefined),
    /** The SPKI PEM public key, or null while it is still being generated. */
    publicKeyPem: (): string | null => keys?.publicPem ?? null,
    async publicKey(): Promise<string> {
      return (await ready).publicPem
    },
    /**
     * Signs a payload the way the LicenseCM SDKs verify it: returns `data` (the canonical JSON
     * string the client receives as `data.data`) and its base64 RSA-SHA512 `signature`.
     */
    async sign(
      payload: unknown,
      shareUntilMs?: number,
    ): Promise<{ data: string; signature: string }> {
      await ready
      const data = canonicalPayload(payload)
      return { data, signature: await signer!.sign(data, shareUntilMs) }
    },
    /**
     * Signs an answer bound to its request: `license_key_sha256` (hex SHA-256 of the key the
     * answer is about) and the client's `nonce` when it sent one are added after the answer's
     * own fields, so a captured answer neither verifies for another key nor replays as the
     * answer to a new request. Fields are only added: SDKs that ignore them still verify.
     */
    signAnswer(
      payload: Record<string, unknown>,
      request: { licenseKey: string; nonce?: string | null },
      /** The answer repeats until then (see Signer.sign): shared between workers. */
      shareUntilMs?: number,
    ): Promise<{ data: string; signature: string }> {
      return this.sign(
        {
          ...payload,
          license_key_sha256: licenseKeyDigest(request.licenseKey),
          ...(request.nonce && { nonce: request.nonce }),
        },
        request.nonce ? undefined : shareUntilMs,
      )
    },
    async watermark(licenseId: string): Promise<string> {
      await ready
      return watermark(wmKey!, licenseId)
    },
    /** A self-contained challenge for this license and machine (see crypto/challenge). */
    async challenge(licenseId: string, hwid: string, expiresAt: number): Promise<string> {
      await ready
      return mintChallenge(chKey!, licenseId, hwid, expiresAt)
    },
    /**
     * Claims of a challenge this server issued to this license and machine, else null.
     * Synchronous, so a decision inside a transaction need not wait for the key: await `ready()`
     * before the transaction instead.
     */
    openChallenge(licenseId: string, hwid: string, value: string) {
      if (!chKey) throw new Error('The signing key is not loaded yet')
      return openChallenge(chKey, licenseId, hwid, value)
    },
    stats: () => signer?.stats() ?? { signed: 0, hits: 0, cached: 0 },
  }
}

/** The digest a signed answer names its license by (hex SHA-256 of the key's UTF-8). */
export function licenseKeyDigest(licenseKey: string): string {
  return createHash('sha256').update(licenseKey, 'utf8').digest('hex')
}

export type Attestor = ReturnType<typeof createAttestor>
