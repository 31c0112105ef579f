import { pathToFileURL } from 'node:url'
import type { WebContents } from 'electron'

/**
 * True for our own renderer only: the dev server's origin in development, the bundled
 * index.html file in production. Every IPC call and navigation is checked against it.
 */
export function createTrustedSender(
  devUrl: string | undefined,
  rendererFile: string,
): (url: string) => boolean {
  const fileUrl = pathToFileURL(rendererFile).href
  return (url: string) => {
    if (!url) return false
    if (devUrl) {
      try {
        return new URL(url).origin === new URL(devUrl).origin
      } catch {
        return false
      }
    }
    return url.split('#')[0].split('?')[0] === fileUrl
  }
}

/** Only http(s) links ever leave the app, and only to the system browser. */
export function isExternalLink(url: string): boolean {
  try {
    const p = new URL(url).protocol
    return p === 'https:' || p === 'http:'
  } catch {
    return false
  }
}

/** Denies window.open and every navigation away from the renderer; links go to the browser. */
export function hardenWindow(
  contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>,
  isTrusted: (url: string) => boolean,
  openExternal: (url: string) => void,
): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url)
    return { action: 'deny' }
  })
  const guard = (e: { preventDefault(): void }, url: string) => {
    if (!isTrusted(url)) {
      e.preventDefault()
      if (isExternalLink(url)) openExternal(url)
    }
  }
  contents.on('will-navigate', guard)
  contents.on('will-redirect', guard)
}
