import { pathToFileURL } from 'node:url'
import type { Session, WebContents } from 'electron'

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

/**
 * The dev server URL the window loads instead of the bundled renderer: honoured only in an
 * unpackaged (development) run and only for http(s). A packaged app always loads its own
 * file, whatever ELECTRON_RENDERER_URL says: the page it loads gets the preload and IPC trust.
 */
export function rendererDevUrl(
  env: Record<string, string | undefined>,
  isPackaged: boolean,
): string | undefined {
  const url = env.ELECTRON_RENDERER_URL
  if (isPackaged || !url) return undefined
  try {
    const p = new URL(url).protocol
    return p === 'http:' || p === 'https:' ? url : undefined
  } catch {
    return undefined
  }
}

/** The only permission the console uses (copy buttons); every other one is denied. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

/** Whether `permission` asked by a page at `requestingUrl` is granted: deny by default. */
export function permissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  isTrusted: (url: string) => boolean,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && !!requestingUrl && isTrusted(requestingUrl)
}

/** Installs deny-by-default permission request and check handlers on a session. */
export function denyPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
  isTrusted: (url: string) => boolean,
): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl ?? contents.getURL(), isTrusted)),
  )
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    permissionAllowed(permission, details.requestingUrl ?? contents?.getURL(), isTrusted),
  )
}
