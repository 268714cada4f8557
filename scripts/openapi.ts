// npm run openapi: writes docs/openapi.json from the contract (src-main/api/openapi.ts). A test fails when the file
// and the generator disagree, so run this after changing a call.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { openApiText } from '../src-main/api/openapi.ts'

const out = join(import.meta.dirname, '..', 'docs', 'openapi.json')
writeFileSync(out, openApiText())
console.log(`wrote ${out}`)
