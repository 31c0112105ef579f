import type { CheckoutOptions, IssuedLicenseFile, LicenseFileDto } from '@shared/license-files'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface LicenseFilesSlice {
  /** The open license's issued files (newest first), and whose they are. */
  licenseFiles: LicenseFileDto[]
  licenseFilesOf: string | null
  loadLicenseFiles(licenseId: string): Promise<void>
  /** Checks a file out (bound to `fingerprint` when given); the caller downloads it. */
  checkOutLicenseFile(
    licenseId: string,
    opts: CheckoutOptions & { fingerprint?: string },
  ): Promise<IssuedLicenseFile | undefined>
  /** Air-gapped activation: a pasted or uploaded request file in, its license file out. */
  licenseFileFromRequest(
    request: string,
    opts: CheckoutOptions,
  ): Promise<(IssuedLicenseFile & { license_id: string }) | undefined>
  revokeLicenseFile(licenseId: string, fileId: string, reason?: string): Promise<void>
}

/** Offline license files: check-out, air-gapped requests and revocation from the console. */
export const createLicenseFilesSlice: Slice<LicenseFilesSlice> = (set, get) => ({
  licenseFiles: [],
  licenseFilesOf: null,
  async loadLicenseFiles(licenseId) {
    if (get().licenseFilesOf !== licenseId) set({ licenseFiles: [], licenseFilesOf: licenseId })
    const files = await act(call('licenseFiles.list', { id: licenseId }))
    if (files && get().licenseFilesOf === licenseId) set({ licenseFiles: files })
  },
  async checkOutLicenseFile(licenseId, opts) {
    const f = await act(
      call('licenseFiles.issue', { id: licenseId, ...opts }),
      'License file issued',
    )
    if (!f) return f
    await get().loadLicenseFiles(licenseId)
    // A machine-bound file activated that machine: the drawer shows it bound.
    if (opts.fingerprint && get().openLicenseId === licenseId) {
      const [license, machines] = await Promise.all([
        call('licenses.get', { id: licenseId }),
        call('licenses.machines', { id: licenseId }),
      ])
      if (get().openLicenseId === licenseId) {
        set({ openLicense: license, openLicenseMachines: machines })
      }
    }
    return f
  },
  async licenseFileFromRequest(request, opts) {
    return act(call('licenseFiles.fromRequest', { request, ...opts }), 'License file issued')
  },
  async revokeLicenseFile(licenseId, fileId, reason) {
    const r = await act(
      call('licenseFiles.revoke', { id: licenseId, file_id: fileId, reason }),
      'License file revoked: apps drop it at their next revocation-list check',
    )
    if (r) await get().loadLicenseFiles(licenseId)
  },
})
