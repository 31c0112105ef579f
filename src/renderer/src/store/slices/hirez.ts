import type {
  CreateHirezDeveloperInput,
  CreatedHirezDeveloperDto,
  HirezDeveloperDto,
  UpdateHirezDeveloperInput,
} from '@shared/hirez'
import { act, call } from '../api'
import type { Slice } from '../types'

export interface HirezSlice {
  developers: HirezDeveloperDto[]
  developersLoaded: boolean
  loadDevelopers(): Promise<void>
  /** Resolves to the new credential with its auth key: the only time the console has it. */
  createDeveloper(input: CreateHirezDeveloperInput): Promise<CreatedHirezDeveloperDto | undefined>
  updateDeveloper(devId: number, patch: UpdateHirezDeveloperInput): Promise<boolean>
  /** A new auth key (returned once); the old one and its sessions stop. */
  rekeyDeveloper(devId: number): Promise<CreatedHirezDeveloperDto | undefined>
  revokeDeveloper(devId: number): Promise<boolean>
}

/** Keeps only the listed shape: the auth key stays in the dialog that shows it. */
function listed(d: CreatedHirezDeveloperDto): HirezDeveloperDto {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { auth_key, ...rest } = d
  return rest
}

/** Hi-Rez developer credentials: the list with today's usage, and every action on them. */
export const createHirezSlice: Slice<HirezSlice> = (set, get) => {
  const replace = (d: HirezDeveloperDto) =>
    set({ developers: get().developers.map((x) => (x.dev_id === d.dev_id ? d : x)) })
  return {
    developers: [],
    developersLoaded: false,
    async loadDevelopers() {
      const list = await act(call('hirez.list', {}))
      set({ developers: list ?? get().developers, developersLoaded: true })
    },
    async createDeveloper(input) {
      const d = await act(call('hirez.create', input), (x) => `Developer ${x.dev_id} created`)
      if (d) set({ developers: [listed(d), ...get().developers] })
      return d
    },
    async updateDeveloper(devId, patch) {
      const d = await act(call('hirez.update', { dev_id: devId, patch }), 'Developer saved')
      if (d) replace(d)
      return d !== undefined
    },
    async rekeyDeveloper(devId) {
      const d = await act(call('hirez.rekey', { dev_id: devId }), 'New auth key made')
      if (d) replace(listed(d))
      return d
    },
    async revokeDeveloper(devId) {
      const d = await act(call('hirez.revoke', { dev_id: devId }), 'Developer revoked')
      if (d) replace(d)
      return d !== undefined
    },
  }
}
