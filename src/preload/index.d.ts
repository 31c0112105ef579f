import type { KeywardenApi } from './index'

declare global {
  interface Window {
    /** Present in the desktop app; absent in a browser (the console then uses HTTP). */
    keywarden?: KeywardenApi
  }
}

export {}
