import type { LicenseDto } from '@shared/dto'
import type { MachineDto } from '@shared/channels/console-licenses'
import type { Services } from '../../../services'
import type { HirezAuth, SignedCall } from '../../../services/hirez'
import { hirezDate } from '../../../services/hirez/signature'
import { VERSION } from '../../../version'
import type { Answer, Row } from './format'

/** What a method's handler gets: the credential that signed the call, its URL and the services. */
export interface MethodInput {
  auth: HirezAuth
  call: SignedCall
  params: Record<string, string>
  services: Services
  now: Date
}

/** One method of the API: its URL parameters, answer shape and handler. */
export interface MethodDef {
  name: string
  summary: string
  /** Has a session segment (every method but createsession). */
  session: boolean
  /** URL segments after the timestamp. */
  extra: readonly string[]
  shape: Answer['kind']
  /** The XML element of each record. */
  element: string
  run(i: MethodInput): Promise<Answer>
}

const licenseRow = (l: LicenseDto): Row => ({
  license_key: l.license_key,
  product_id: l.product_id,
  product_name: l.product_name ?? null,
  type: l.type,
  status: l.status,
  status_reason: l.status_reason,
  level: l.level,
  hwid: l.hwid,
  hwid_locked: l.hwid_locked,
  max_uses: l.max_uses,
  current_uses: l.current_uses,
  expires_at: l.expires_at,
  created_at: l.created_at,
  ret_msg: null,
})

/** A reseller action's answer (banlicense, resethwid): one LicenseAction row. */
const licenseAction = (
  l: LicenseDto,
  machinesReleased: number,
  sessionsRevoked: number,
): Answer => ({
  kind: 'array',
  element: 'LicenseAction',
  value: [
    {
      license_key: l.license_key,
      status: l.status,
      machines_released: machinesReleased,
      sessions_revoked: sessionsRevoked,
      ret_msg: null,
    },
  ],
})

const machineRow = (m: MachineDto): Row => ({
  hwid: m.hwid,
  name: m.name,
  platform: m.platform,
  ip: m.ip,
  first_seen_at: m.first_seen_at,
  last_seen_at: m.last_seen_at,
  last_heartbeat_at: m.last_heartbeat_at,
  heartbeat: m.heartbeat,
  open_sessions: m.open_sessions,
  ret_msg: null,
})

/**
 * `KeywardenApi (ver 1.2.0) [PATCH - 1.2] - Ping successful. Server Date:12/1/2026 6:30:05 PM`:
 * the reference's layout word for word (clients split on single spaces and read words 0, 2,
 * 5, 8 and 10-12), the version from package.json and its major.minor as the patch.
 */
export function pingText(now: Date, version = VERSION): string {
  const v = /^\d+\.\d+\.\d+$/.test(version) ? version : '0.0.0'
  const patch = v.split('.').slice(0, 2).join('.')
  return `KeywardenApi (ver ${v}) [PATCH - ${patch}] - Ping successful. Server Date:${hirezDate(now)}`
}

/** Every signed method, in the order the README lists them. */
export const METHODS: readonly MethodDef[] = [
  {
    name: 'createsession',
    summary:
      'Create a session (no session segment); the session lives for the credential’s minutes',
    session: false,
    extra: [],
    shape: 'object',
    element: 'Session',
    async run({ auth, call, services }) {
      const s = await services.hirez.access.createSession(auth, call.ip)
      return {
        kind: 'object',
        element: 'Session',
        value: { ret_msg: 'Approved', session_id: s.sessionId, timestamp: hirezDate(s.createdAt) },
      }
    },
  },
  {
    name: 'testsession',
    summary: 'Test a session: a sentence for a live one, "Invalid session id." otherwise',
    session: true,
    extra: [],
    shape: 'string',
    element: 'string',
    async run({ auth, call, now }) {
      return {
        kind: 'string',
        value:
          `This was a successful test with the following parameters added: developer: ${auth.devId} ` +
          `time: ${hirezDate(now)} signature: ${call.signature} session: ${call.session}`,
      }
    },
  },
  {
    name: 'getdataused',
    summary: 'What the credential used today (UTC) and its limits',
    session: true,
    extra: [],
    shape: 'array',
    element: 'DataUsed',
    async run({ auth, services }) {
      const d = await services.hirez.access.dataUsed(auth)
      return {
        kind: 'array',
        element: 'DataUsed',
        value: [
          {
            Active_Sessions: d.active_sessions,
            Concurrent_Sessions: d.limits.concurrent_sessions,
            Request_Limit_Daily: d.limits.daily_requests,
            Session_Cap: d.limits.daily_sessions,
            Session_Time_Limit: d.limits.session_minutes,
            Total_Requests_Today: d.requests_today,
            Total_Sessions_Today: d.sessions_today,
            ret_msg: null,
          },
        ],
      }
    },
  },
  {
    name: 'gethirezserverstatus',
    summary: 'The server’s status',
    session: true,
    extra: [],
    shape: 'array',
    element: 'HirezServerStatus',
    async run({ now }) {
      return {
        kind: 'array',
        element: 'HirezServerStatus',
        value: [
          {
            status: 'UP',
            platform: 'PC',
            environment: 'live',
            version: VERSION,
            entry_datetime: now.toISOString().replace('T', ' ').replace('Z', ''),
            limited_access: false,
            ret_msg: null,
          },
        ],
      }
    },
  },
  {
    name: 'getlicense',
    summary: 'One license by its key (reseller)',
    session: true,
    extra: ['key'],
    shape: 'array',
    element: 'License',
    async run({ auth, call, params, services }) {
      const l = await services.hirez.reseller.getLicense(auth, params.key, call.ip)
      return { kind: 'array', element: 'License', value: [licenseRow(l)] }
    },
  },
  {
    name: 'createlicenses',
    summary: 'Create 1-100 licenses of a product (id or number) from the credential’s allotment',
    session: true,
    extra: ['product_id', 'count'],
    shape: 'array',
    element: 'License',
    async run({ auth, call, params, services }) {
      const list = await services.hirez.reseller.createLicenses(
        auth,
        params.product_id,
        params.count,
        call.ip,
      )
      return { kind: 'array', element: 'License', value: list.map(licenseRow) }
    },
  },
  {
    name: 'banlicense',
    summary: 'Ban a license for good and end its sessions (reseller)',
    session: true,
    extra: ['key'],
    shape: 'array',
    element: 'LicenseAction',
    async run({ auth, call, params, services }) {
      const r = await services.hirez.reseller.banLicense(auth, params.key, call.ip)
      return licenseAction(r.license, 0, r.sessions_revoked)
    },
  },
  {
    name: 'resethwid',
    summary: 'Free every machine of a license and end its sessions (reseller)',
    session: true,
    extra: ['key'],
    shape: 'array',
    element: 'LicenseAction',
    async run({ auth, call, params, services }) {
      const r = await services.hirez.reseller.resetHwid(auth, params.key, call.ip)
      return licenseAction(r.license, r.machines_released, r.sessions_revoked)
    },
  },
  {
    name: 'getlicensemachines',
    summary: 'The machines bound to a license (reseller)',
    session: true,
    extra: ['key'],
    shape: 'array',
    element: 'Machine',
    async run({ auth, call, params, services }) {
      const list = await services.hirez.reseller.machines(auth, params.key, call.ip)
      return { kind: 'array', element: 'Machine', value: list.map(machineRow) }
    },
  },
]
