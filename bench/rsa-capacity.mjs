// The machine's RSA-4096 signing capacity on all cores, measured in the bench's own run:
// one worker thread per core signs (RSA-SHA512, the client API's signature) for `seconds`
// and the total per second is printed as {"rsa4096_per_s":N,"threads":N}.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto'
import { availableParallelism } from 'node:os'

if (isMainThread) {
  const seconds = Number(process.argv[2] ?? 3)
  const threads = availableParallelism()
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 4096 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' })
  const counts = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: { pem, seconds } })
          w.once('message', resolve)
          w.once('error', reject)
        }),
    ),
  )
  const total = counts.reduce((a, b) => a + b, 0)
  console.log(JSON.stringify({ rsa4096_per_s: Math.round(total / seconds), threads }))
} else {
  const { pem, seconds } = workerData
  const key = createPrivateKey(pem)
  const data = Buffer.from(
    JSON.stringify({ action: 'activate', license_key_sha256: 'x'.repeat(64) }),
  )
  const until = performance.now() + seconds * 1000
  let n = 0
  while (performance.now() < until) {
    sign('sha512', data, key)
    n++
  }
  parentPort.postMessage(n)
}
