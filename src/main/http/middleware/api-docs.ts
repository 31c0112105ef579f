import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { DomainError } from '@shared/errors'

/**
 * The interactive API reference at GET /api/docs: Swagger UI's own files, as @fastify/swagger-ui
 * ships them (no CDN, nothing fetched from elsewhere), served by these few routes so that each
 * declares its access like every /api route. Same-origin scripts and styles only: the console's
 * Content-Security-Policy (security-headers.ts) already allows the page, so it needs no
 * exception. Swagger UI's validator badge (an external image) is turned off.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
}

const STATIC = '/api/docs/static'

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<title>Keywarden API reference</title>
<link rel="stylesheet" href="${STATIC}/swagger-ui.css">
<link rel="stylesheet" href="${STATIC}/index.css">
<link rel="icon" type="image/png" href="${STATIC}/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${STATIC}/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${STATIC}/swagger-ui-bundle.js"></script>
<script src="${STATIC}/swagger-ui-standalone-preset.js"></script>
<script src="${STATIC}/initializer.js"></script>
</body>
</html>
`

const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  })
})
`

const assetsDir = () =>
  join(
    dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json')),
    'static',
  )

/**
 * GET /api/docs (the page), /api/docs/static/initializer.js and /api/docs/static/:file (the
 * files above, read once on first use). Registered in the same scope as /api/openapi.json, with
 * the same access: the document is public information, reachable where /api is.
 */
export async function apiDocsRoutes(app: FastifyInstance): Promise<void> {
  const cache = new Map<string, Buffer>()
  const config = { access: 'public' as const }
  const hide = true
  app.get('/docs', { schema: { hide }, config }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  )
  app.get('/docs/static/initializer.js', { schema: { hide }, config }, async (_req, reply) =>
    reply.type('application/javascript; charset=utf-8').send(INITIALIZER),
  )
  app.get('/docs/static/:file', { schema: { hide }, config }, async (req, reply) => {
    const { file } = req.params as { file: string }
    if (!Object.hasOwn(ASSETS, file)) throw new DomainError('NOT_FOUND', 'No such file')
    let body = cache.get(file)
    if (!body) cache.set(file, (body = readFileSync(join(assetsDir(), file))))
    return reply.type(ASSETS[file]).header('cache-control', 'public, max-age=3600').send(body)
  })
}
