import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The fenced block right after `<!-- verify-snippet: <name> -->` in the README. */
export function readmeSnippet(name: string): string {
  const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8')
  const m = new RegExp(
    `<!-- verify-snippet: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\\n\`\`\``,
  ).exec(readme)
  if (!m) throw new Error(`README has no snippet marked verify-snippet: ${name}`)
  return m[1]
}

/** Whether `cmd` runs on this machine (`cmd --version` or the given probe succeeds). */
export function hasCommand(cmd: string, probe = ['--version']): boolean {
  return spawnSync(cmd, probe, { stdio: 'ignore' }).status === 0
}

export interface VerifyInput {
  body: string
  header: string
  secret: string
  /** Unix seconds the receiver believes it is (default: its own clock). */
  now?: number
}

/** The README's snippet for each language, wrapped in a harness reading a VerifyInput on stdin. */
const runners: Record<string, () => { files: Record<string, string>; cmd: string[] }> = {
  node: () => ({
    files: {
      'verify.cjs': `${readmeSnippet('node')}
const i = JSON.parse(require('node:fs').readFileSync(0, 'utf8'))
process.stdout.write(String(verifyKeywardenSignature(Buffer.from(i.body, 'utf8'), i.header, i.secret, i.now)))
`,
    },
    cmd: [process.execPath, 'verify.cjs'],
  }),
  python: () => ({
    files: {
      'verify.py': `${readmeSnippet('python')}

import json, sys
i = json.load(sys.stdin)
print(str(verify_keywarden_signature(i["body"].encode(), i["header"], i["secret"], i.get("now"))).lower(), end="")
`,
    },
    cmd: ['python3', 'verify.py'],
  }),
  php: () => ({
    files: {
      'verify.php': `${readmeSnippet('php')}
$i = json_decode(stream_get_contents(STDIN), true);
echo verify_keywarden_signature($i['body'], $i['header'], $i['secret'], $i['now'] ?? null) ? 'true' : 'false';
`,
    },
    cmd: ['php', 'verify.php'],
  }),
  go: () => ({
    files: {
      'verify.go': readmeSnippet('go').replace(/^package \w+/, 'package main'),
      'main.go': `package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"
)

func main() {
	var i struct {
		Body   string \`json:"body"\`
		Header string \`json:"header"\`
		Secret string \`json:"secret"\`
		Now    *int64 \`json:"now"\`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&i); err != nil {
		panic(err)
	}
	now := time.Now()
	if i.Now != nil {
		now = time.Unix(*i.Now, 0)
	}
	fmt.Print(VerifySignature([]byte(i.Body), i.Header, i.Secret, now))
}
`,
    },
    cmd: ['go', 'run', 'verify.go', 'main.go'],
  }),
}

export const SNIPPET_LANGUAGES = Object.keys(runners)

/** Runs the README's `lang` snippet on each input; true = the snippet accepted the delivery. */
export function runSnippet(lang: string, inputs: VerifyInput[]): boolean[] {
  const dir = mkdtempSync(join(tmpdir(), `kw-snippet-${lang}-`))
  try {
    const { files, cmd } = runners[lang]()
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
    return inputs.map((input) => {
      const out = execFileSync(cmd[0], cmd.slice(1), {
        cwd: dir,
        input: JSON.stringify(input),
        encoding: 'utf8',
        timeout: 120_000,
      }).trim()
      if (out !== 'true' && out !== 'false') throw new Error(`${lang} snippet printed ${out}`)
      return out === 'true'
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
