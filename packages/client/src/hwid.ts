import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { arch, cpus, hostname, networkInterfaces, platform, totalmem } from 'node:os'

/**
 * The machine facts the HWID is made of, each chosen to be stable across reboots and updates
 * and readable without privileges or child processes:
 * - `machine_id`: Linux `/etc/machine-id` (or `/var/lib/dbus/machine-id`), empty elsewhere;
 * - `platform`, `arch`: Node's `os.platform()` / `os.arch()`;
 * - `cpu`: the first CPU's model string and the number of logical CPUs;
 * - `memory_gib`: total memory rounded to whole GiB (so small reporting changes do not move it);
 * - `hostname`: `os.hostname()`;
 * - `macs`: the MAC addresses of non-internal interfaces, sorted, leaving out all-zero ones
 *   and virtual adapters (docker, veth, br-, virbr, vmnet, vboxnet, utun, tun, tap, wg, zt).
 * Nothing leaves the machine but their SHA-256: the server sees one opaque hex string.
 */
export interface MachineFacts {
  machine_id: string
  platform: string
  arch: string
  cpu: string
  memory_gib: number
  hostname: string
  macs: string[]
}

const VIRTUAL = /^(docker|veth|br-|virbr|vmnet|vboxnet|utun|tun|tap|wg|zt|lo)/i

function machineId(): string {
  for (const p of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const v = readFileSync(p, 'utf8').trim()
      if (v) return v
    } catch {
      /* not Linux, or not readable */
    }
  }
  return ''
}

/** The facts of this machine (see MachineFacts for what each one is). */
export function machineFacts(): MachineFacts {
  const list = cpus()
  const macs = new Set<string>()
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    if (VIRTUAL.test(name)) continue
    for (const a of addrs ?? []) {
      if (!a.internal && a.mac && a.mac !== '00:00:00:00:00:00') macs.add(a.mac.toLowerCase())
    }
  }
  return {
    machine_id: machineId(),
    platform: platform(),
    arch: arch(),
    cpu: `${list[0]?.model.trim() ?? 'unknown'} x${list.length}`,
    memory_gib: Math.round(totalmem() / 2 ** 30),
    hostname: hostname(),
    macs: [...macs].sort(),
  }
}

/**
 * This machine's HWID: hex SHA-256 of `keywarden-hwid/1`, the app's `salt` and the facts
 * (in the fixed order of MachineFacts, one per line). A per-app salt keeps two vendors'
 * apps from sharing a tracking id for one machine. Pass `facts` to hash your own (tests, or
 * a different choice of facts); pass `pick` to use only some of them (e.g. leave out
 * `hostname` if your users rename machines).
 */
export function machineFingerprint(
  opts: { salt?: string; facts?: MachineFacts; pick?: (keyof MachineFacts)[] } = {},
): string {
  const f = opts.facts ?? machineFacts()
  const keys = opts.pick ?? (Object.keys(f) as (keyof MachineFacts)[])
  const order: (keyof MachineFacts)[] = [
    'machine_id',
    'platform',
    'arch',
    'cpu',
    'memory_gib',
    'hostname',
    'macs',
  ]
  const lines = order
    .filter((k) => keys.includes(k))
    .map((k) => `${k}=${Array.isArray(f[k]) ? (f[k] as string[]).join(',') : String(f[k])}`)
  return createHash('sha256')
    .update(['keywarden-hwid/1', opts.salt ?? '', ...lines].join('\n'), 'utf8')
    .digest('hex')
}
