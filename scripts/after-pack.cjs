/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder require()s its hooks */
// electron-builder afterPack hook: flips Electron's fuses on the packaged executable, so the
// shipped app cannot be turned into a plain Node runtime or debugged through flags.
// CommonJS because electron-builder require()s its hooks (the package itself is ESM).
const { join } = require('node:path')
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses')

/** @param {import('electron-builder').AfterPackContext} context */
exports.default = async function afterPack(context) {
  const platform = context.electronPlatformName
  const name = context.packager.appInfo.productFilename
  const exe =
    platform === 'darwin'
      ? join(context.appOutDir, `${name}.app`)
      : platform === 'win32'
        ? join(context.appOutDir, `${name}.exe`)
        : join(context.appOutDir, context.packager.executableName)
  // Embedded asar integrity is checked on macOS and Windows only.
  const integrity = platform === 'darwin' || platform === 'win32'
  await flipFuses(exe, {
    version: FuseVersion.V1,
    // arm64 macOS refuses a binary whose ad-hoc signature no longer matches: re-sign it.
    resetAdHocDarwinSignature: platform === 'darwin' && context.arch === 3,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: integrity,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // The renderer is loaded from file:// as ES modules, which needs file:// privileges.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
  })
  console.log(`after-pack: Electron fuses set on ${exe}`)
}
