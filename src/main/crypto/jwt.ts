import { errors, jwtVerify, SignJWT } from 'jose'
import { randomToken } from './random'

/**
 * Management-API access tokens: HS256 JWTs signed with the installation's own secret.
 * The algorithm, issuer and audience are pinned on verification, so a token signed any other
 * way (alg "none", RS256 with a public key as HMAC secret, another installation) is refused.
 */
const ALG = 'HS256'
const ISSUER = 'keywarden'
const AUDIENCE = 'keywarden:management'

export interface AccessClaims {
  /** account id */
  sub: string
  /** the account's token_version when the token was issued */
  ver: number
  /** when the holder last proved their password (seconds since epoch); refresh keeps it */
  auth_time: number
}

export interface SignOptions {
  now: Date
  ttlSeconds: number
}

/** Signs an access token valid for `ttlSeconds` from `now`. */
export async function signAccessToken(
  secret: Uint8Array,
  claims: AccessClaims,
  o: SignOptions,
): Promise<string> {
  const iat = Math.floor(o.now.getTime() / 1000)
  return new SignJWT({ ver: claims.ver, auth_time: claims.auth_time })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + o.ttlSeconds)
    .setJti(randomToken(12))
    .sign(secret)
}

export type TokenProblem = 'expired' | 'invalid'

export class TokenError extends Error {
  constructor(readonly problem: TokenProblem) {
    super(problem === 'expired' ? 'Token expired' : 'Invalid token')
    this.name = 'TokenError'
  }
}

/**
 * Verifies signature, algorithm, issuer, audience and expiry at `now`. `graceSeconds` accepts
 * a token that expired at most that long ago (used by refresh only).
 */
export async function verifyAccessToken(
  secret: Uint8Array,
  token: string,
  o: { now: Date; graceSeconds?: number },
): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, secret, {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE,
      currentDate: o.now,
      clockTolerance: o.graceSeconds ?? 5,
      requiredClaims: ['sub', 'exp', 'iat'],
    })
    const { sub, ver, auth_time: authTime } = payload
    if (typeof sub !== 'string' || !Number.isInteger(ver) || !Number.isInteger(authTime)) {
      throw new TokenError('invalid')
    }
    return { sub, ver: ver as number, auth_time: authTime as number }
  } catch (e) {
    if (e instanceof TokenError) throw e
    throw new TokenError(e instanceof errors.JWTExpired ? 'expired' : 'invalid')
  }
}
