/**
 * The app's main entry: Electron's own objects handed to setupLicensing. Pin both public
 * keys at build time (copied from the Keywarden console's server card), never fetch them.
 */
import { app, dialog, ipcMain } from 'electron'
import { setupLicensing } from './licensing'

export const licensing = setupLicensing(
  { app, ipcMain, dialog },
  {
    url: process.env.KEYWARDEN_URL ?? 'https://licenses.example.com',
    productId: process.env.KEYWARDEN_PRODUCT_ID ?? 'your-product-id',
    publicKeys: {
      rsa: process.env.KEYWARDEN_RSA_PEM ?? '',
      ed25519: process.env.KEYWARDEN_ED25519_PEM ?? '',
    },
    heartbeatMs: 5 * 60_000,
  },
)

void app.whenReady().then(() => licensing.start())
