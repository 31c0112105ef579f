#!/usr/bin/env node
// Entry point. In an app with @keywarden/client installed (see package.json): compile with tsc,
// then `node bin.js validate KEY`. In this repository the CLI runs in CI through cli.test.ts.
import { envFromProcess, main } from './cli'

main(process.argv.slice(2), envFromProcess(), {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
}).then((code) => process.exit(code))
