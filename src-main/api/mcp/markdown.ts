// A decision as Markdown for an AI agent or a person: title, a line of facts, then the ADR sections.
import type { Decision } from '../../../src-shared/decisions.ts'

export function decisionMarkdown(d: Decision): string {
  const h = d.header
  const c = d.content
  const lines = [
    `# ${c.title}`,
    '',
    `- address: ucxl://${h.address}`,
    `- type: ${h.type}; status: ${c.status}`,
    `- audience: ${h.audience} and above`,
    `- author: ${h.author} (${h.authorRole}), ${new Date(h.createdAt).toISOString()}`,
    `- signature: verified (${d.signature.signer}, key ${d.signature.keyId})`,
  ]
  if (c.tags.length > 0) lines.push(`- tags: ${c.tags.join(', ')}`)
  if (h.supersedes !== undefined) lines.push(`- supersedes: ucxl://${h.supersedes}`)
  for (const s of d.supersededBy) lines.push(`- superseded by: ucxl://${s}`)
  for (const l of c.links.filter((x) => x.kind !== 'supersedes')) lines.push(`- ${l.kind.replace('_', ' ')}: ucxl://${l.address}`)
  if (c.context) lines.push('', '## Context', '', c.context)
  lines.push('', '## Decision', '', c.body)
  if (c.options !== undefined && c.options.length > 0) lines.push('', '## Options considered', '', ...c.options.map((o) => `- ${o}`))
  if (c.consequences) lines.push('', '## Consequences', '', c.consequences)
  if (c.code !== undefined) {
    const t = c.code.test_results
    lines.push('', '## Build', '', `- files modified: ${c.code.files_modified.length}`)
    if (t !== undefined) lines.push(`- tests: ${t.passed ?? '?'} passed, ${t.failed ?? '?'} failed`)
    if (c.code.success !== undefined) lines.push(`- success: ${c.code.success}`)
  }
  return `${lines.join('\n')}\n`
}
