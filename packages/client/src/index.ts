/**
 * @keywarden/client — the Keywarden client SDK for shipped apps (Node.js, Electron main).
 * Online: activate, validate, heartbeat (a loop with backoff), deactivate, against the
 * LicenseCM client API with every answer verified against a pinned RSA key. Offline: license
 * files and revocation lists verified against a pinned Ed25519 key. No dependencies beyond
 * node:crypto.
 */
export * from './errors.js'
export * from './backoff.js'
export * from './files.js'
export * from './hwid.js'
export * from './heartbeat.js'
export * from './client.js'
