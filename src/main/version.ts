import pkg from '../../package.json'

/** The app version, from package.json (bundled in, so it is right in every build). */
export const VERSION: string = pkg.version
