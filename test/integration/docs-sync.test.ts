import fs from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { CONFIG_KEYS } from '../../src/config/index.js'
import { ERROR_CODES } from '../../src/errors/index.js'

const read = (file: string) => fs.readFile(new URL(`../../${file}`, import.meta.url), 'utf8')

describe('docs stay in sync with the code', () => {
  it('docs/config.md lists every environment variable with its default', async () => {
    const doc = await read('docs/config.md')
    for (const key of CONFIG_KEYS) {
      expect(doc, key.env).toContain(`\`${key.env}\``)
      expect(doc, `${key.env} default`).toContain(key.default)
    }
  })

  it('docs/errors.md documents every error code with its status', async () => {
    const doc = await read('docs/errors.md')
    for (const [code, { status }] of Object.entries(ERROR_CODES)) {
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`))
    }
    const documented = [...doc.matchAll(/\|\s*`(QRY_[A-Z_]+)`/g)].map((m) => m[1])
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort())
  })
})
