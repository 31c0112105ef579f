import type { LicenseDto, ProductDto } from '@shared/dto'
import type { InjectableDto, ProductDomainDto } from '@shared/domains'

/** `{ status: "success", message, data, errors: null }`: every DevPayr answer. */
export function ok<T>(message: string, data: T) {
  return { status: 'success' as const, message, data, errors: null }
}

export function project(p: ProductDto) {
  return {
    id: p.id,
    num: p.num,
    name: p.name,
    description: p.description,
    is_active: p.is_active,
    has_paid: p.has_paid,
    created_at: p.created_at,
    updated_at: p.updated_at,
  }
}

/** A suspended license is what DevPayr calls revoked (revoke/reactivate are suspend/resume). */
export function license(l: LicenseDto) {
  return {
    id: l.id,
    uuid: l.license_key,
    license_key: l.license_key,
    project_id: l.product_id,
    title: l.title,
    status: l.status === 'suspended' ? ('revoked' as const) : l.status,
    max_domains: l.max_uses,
    domains_used: l.current_uses,
    environment: l.environment,
    expires_at: l.expires_at,
    created_at: l.created_at,
    updated_at: l.updated_at,
  }
}

export function domain(d: ProductDomainDto) {
  return {
    id: d.id,
    project_id: d.product_id,
    domain: d.domain,
    environment: d.environment,
    is_active: d.is_active,
    is_primary: d.is_primary,
    created_at: d.created_at,
    updated_at: d.updated_at,
  }
}

/** Both naming styles DevPayr's clients read: `name`+`slug`, `path`+`target_path`. */
export function injectable(i: InjectableDto) {
  return {
    id: i.id,
    project_id: i.product_id,
    title: i.title,
    name: i.title,
    slug: i.slug,
    type: i.type,
    mode: i.mode,
    target_path: i.target_path,
    path: i.target_path,
    content: i.content,
    signature: i.signature,
    content_hash: i.content_hash,
    only_if_paid: i.only_if_paid,
    is_active: i.is_active,
    created_at: i.created_at,
    updated_at: i.updated_at,
  }
}
