import { DomainError } from '@shared/errors'
import type { ProductDomain } from '../../db/schema'

/** The environments a license or a domain rule belongs to. */
export const ENVIRONMENTS = ['production', 'staging', 'test', 'development'] as const
export type Environment = (typeof ENVIRONMENTS)[number]

/**
 * Production on one side, everything else (staging, test, development) on the other: a test
 * license never runs on a production domain, a production license never on a test one.
 */
export function sameEnvironmentClass(a: string, b: string): boolean {
  return (a === 'production') === (b === 'production')
}

/**
 * The host a runtime identifier names, for matching rules only (the identifier itself stays
 * opaque: it is stored as sent). Lower case; a scheme, path, port and trailing dot dropped, so
 * `https://App.Example.com:8443/x` matches the rule `app.example.com`.
 */
export function hostOf(identifier: string): string {
  let h = identifier.trim().toLowerCase()
  h = h.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
  h = h.split(/[/?#]/, 1)[0]
  h = h.replace(/:\d+$/, '').replace(/\.$/, '')
  return h
}

/**
 * A rule as stored: lower case, trimmed. `*.example.com` is a wildcard (any subdomain, at any
 * depth, not the apex); anything else is exact (a domain, or an opaque identifier).
 */
export function normalizeRule(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, '')
  if (d.length === 0 || d.length > 253 || /\s/.test(d)) {
    throw new DomainError('VALIDATION_ERROR', 'domain: must be 1–253 characters without spaces')
  }
  if (d.includes('*') && !/^\*\.[^*]+\.[^*]+$/.test(d)) {
    throw new DomainError(
      'VALIDATION_ERROR',
      'domain: a wildcard must look like *.example.com (one leading "*.")',
    )
  }
  return d
}

/** Does `rule` admit `host` (already through hostOf)? */
export function ruleMatches(rule: string, host: string): boolean {
  if (!rule.startsWith('*.')) return rule === host
  const suffix = rule.slice(1) // ".example.com"
  return host.length > suffix.length && host.endsWith(suffix)
}

/**
 * The active rule that admits `identifier`: an exact rule before any wildcard, a longer
 * wildcard before a shorter one (`*.eu.example.com` before `*.example.com`).
 */
export function matchRule(rules: ProductDomain[], identifier: string): ProductDomain | undefined {
  const host = hostOf(identifier)
  const active = rules.filter((r) => r.is_active === 1)
  const exact = active.find((r) => !r.domain.startsWith('*.') && r.domain === host)
  if (exact) return exact
  return active
    .filter((r) => r.domain.startsWith('*.') && ruleMatches(r.domain, host))
    .sort((a, b) => b.domain.length - a.domain.length)[0]
}

/**
 * Where a license may run: with no active rule any identifier may (it runs in the license's
 * environment); otherwise one rule must admit it (HWID_MISMATCH, reason `domain_not_allowed`)
 * and be of the license's environment class (reason `environment_mismatch`).
 */
export function admit(
  rules: ProductDomain[],
  licenseEnvironment: string,
  identifier: string,
): { environment: string; ruleId: string | null } {
  if (!rules.some((r) => r.is_active === 1)) {
    return { environment: licenseEnvironment, ruleId: null }
  }
  const rule = matchRule(rules, identifier)
  if (!rule) {
    throw new DomainError('HWID_MISMATCH', 'This domain is not allowed for the project', {
      reason: 'domain_not_allowed',
    })
  }
  if (!sameEnvironmentClass(rule.environment, licenseEnvironment)) {
    throw new DomainError(
      'HWID_MISMATCH',
      `A ${licenseEnvironment} license cannot run on a ${rule.environment} domain`,
      {
        reason: 'environment_mismatch',
        license_environment: licenseEnvironment,
        domain_environment: rule.environment,
      },
    )
  }
  return { environment: rule.environment, ruleId: rule.id }
}
