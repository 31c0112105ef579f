# Keywarden's headless server (README: Deploy). Two stages: the build stage installs everything
# and builds out/; the runtime stage holds only production dependencies, out/ and a non-root user.

FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 falls back to compiling when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# No Electron binary in a server image (the desktop app is not built here).
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
COPY scripts/check-node.cjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:22-bookworm-slim
ENV NODE_ENV=production \
  KEYWARDEN_DATA=/data \
  KEYWARDEN_HOST=0.0.0.0 \
  KEYWARDEN_PORT=47293
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out ./out
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 47293
# Ready means: the database answers, migrations are done, the keys are loaded (503 otherwise).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.KEYWARDEN_PORT || 47293) + '/api/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "out/main/headless.js"]
