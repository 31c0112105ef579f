// The reference the bench compares Keywarden with: the least a license check can do.
// A bare node:http server that parses the same JSON body as LicenseCM `validate`, looks the
// key up in the same SQLite file with one prepared statement, and signs its answer with
// Ed25519. No framework, no validation library, no audit event, no security screening.
//
// `node bench/reference-server.mjs --db FILE` prints `{"port":N}` once listening on
// 127.0.0.1 (port 0: a free port) and stops on SIGTERM.
import { createServer } from 'node:http'
import { generateKeyPairSync, sign } from 'node:crypto'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

const { values } = parseArgs({
  options: { db: { type: 'string' }, port: { type: 'string', default: '0' } },
})
if (!values.db) throw new Error('--db FILE is required')

const db = new Database(values.db, { readonly: true })
db.pragma('cache_size = -32000')
const byKey = db.prepare(
  'SELECT product_id, type, status, expires_at, metadata FROM licenses WHERE key = ?',
)
const { privateKey } = generateKeyPairSync('ed25519')

function answer(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return answer(res, 400, {
        success: false,
        message: 'Invalid JSON',
        error_code: 'BAD_REQUEST',
      })
    }
    const key = typeof body?.license_key === 'string' ? body.license_key : ''
    const row = byKey.get(key)
    if (!row || row.product_id !== body.product_id) {
      return answer(res, 404, {
        success: false,
        message: 'License not found',
        error_code: 'LICENSE_NOT_FOUND',
      })
    }
    const license = {
      type: row.type,
      expires_at: row.expires_at,
      metadata: JSON.parse(row.metadata),
    }
    const payload = JSON.stringify({
      valid: row.status === 'active',
      license,
      hwid: body.hwid,
      ts: Date.now(),
    })
    const signature = sign(null, Buffer.from(payload), privateKey).toString('base64')
    answer(res, 200, {
      success: true,
      data: { valid: row.status === 'active', license, payload, signature },
    })
  })
})

server.keepAliveTimeout = 60_000
server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }))
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
