import { describe, expect, it } from 'vitest'
import type { ProductDomain } from '../../db/schema'
import { admit, hostOf, matchRule, normalizeRule, sameEnvironmentClass } from './rules'

const rule = (domain: string, environment = 'production', active = 1): ProductDomain => ({
  id: domain,
  product_id: 'p',
  domain,
  environment,
  is_active: active,
  is_primary: 0,
  created_at: '',
  updated_at: '',
})

describe('product domain rules', () => {
  it('normalises rules and refuses malformed wildcards', () => {
    expect(normalizeRule(' Example.COM. ')).toBe('example.com')
    expect(normalizeRule('*.example.com')).toBe('*.example.com')
    for (const bad of ['', 'a b', 'ex*.com', '*.com', '*example.com', '*.*.example.com']) {
      expect(() => normalizeRule(bad), bad).toThrow(/domain:/)
    }
  })

  it('reads the host of an identifier, keeping opaque ones as they are', () => {
    expect(hostOf('https://App.Example.com:8443/x?y')).toBe('app.example.com')
    expect(hostOf('fp-9f8e7d')).toBe('fp-9f8e7d')
  })

  it('matches exact rules, then the longest wildcard; a wildcard never matches its apex', () => {
    const rules = [rule('*.example.com'), rule('*.eu.example.com', 'staging'), rule('example.org')]
    expect(matchRule(rules, 'a.example.com')?.domain).toBe('*.example.com')
    expect(matchRule(rules, 'x.y.example.com')?.domain).toBe('*.example.com')
    expect(matchRule(rules, 'a.eu.example.com')?.domain).toBe('*.eu.example.com')
    expect(matchRule(rules, 'example.com')).toBeUndefined()
    expect(matchRule(rules, 'badexample.com')).toBeUndefined()
    expect(matchRule(rules, 'EXAMPLE.org')?.domain).toBe('example.org')
    expect(matchRule([rule('example.org', 'production', 0)], 'example.org')).toBeUndefined()
  })

  it('admits by rule and environment class', () => {
    expect(admit([], 'test', 'anything')).toEqual({ environment: 'test', ruleId: null })
    const rules = [rule('prod.example.com'), rule('*.staging.example.com', 'staging')]
    expect(admit(rules, 'production', 'prod.example.com').environment).toBe('production')
    expect(admit(rules, 'test', 'a.staging.example.com').environment).toBe('staging')
    expect(() => admit(rules, 'test', 'prod.example.com')).toThrow(
      'A test license cannot run on a production domain',
    )
    expect(() => admit(rules, 'production', 'a.staging.example.com')).toThrow(
      'A production license cannot run on a staging domain',
    )
    expect(() => admit(rules, 'production', 'elsewhere.com')).toThrow(
      'This domain is not allowed for the project',
    )
    expect(sameEnvironmentClass('staging', 'development')).toBe(true)
  })
})
