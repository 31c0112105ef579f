import { connect, type Socket } from 'node:net'

/**
 * A raw TCP client for what fetch cannot do: half-close, trickle bytes, hold a connection.
 * `received` is everything the server sent; `closed` resolves when the server ended or
 * closed the connection (with what it sent by then).
 */
export interface RawConnection {
  socket: Socket
  received(): string
  /** Resolves once the server has sent `text` (rejects if the connection closes first). */
  waitFor(text: string): Promise<string>
  closed: Promise<string>
}

export async function rawConnect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  socket.on('error', () => {}) // a reset by the server shows as `closed`
  let data = ''
  const waiters: { text: string; resolve: (s: string) => void; reject: (e: Error) => void }[] = []
  socket.on('data', (d: Buffer) => {
    data += d.toString('latin1')
    for (const w of [...waiters]) {
      if (data.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(data)
      }
    }
  })
  const closed = new Promise<string>((resolve) => {
    const done = () => {
      for (const w of waiters.splice(0)) w.reject(new Error(`closed before "${w.text}": ${data}`))
      resolve(data)
    }
    socket.once('end', done)
    socket.once('close', done)
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return {
    socket,
    received: () => data,
    waitFor: (text) =>
      data.includes(text)
        ? Promise.resolve(data)
        : new Promise((resolve, reject) => waiters.push({ text, resolve, reject })),
    closed,
  }
}

/** The status code of the first HTTP answer in `raw` (NaN when there is none). */
export function statusOf(raw: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1])
}

/** The JSON body of a single complete HTTP answer in `raw`. */
export function bodyOf(raw: string): unknown {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))
}
