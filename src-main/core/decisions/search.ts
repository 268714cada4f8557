// Listing and searching. Headers are public to members; titles, status, tags and text come from content this
// member can decrypt, kept in memory only while the vault is unlocked (never written to disk in the clear).
import type { DecisionContent, DecisionHeader, DecisionListItem, ListInput } from '../../../src-shared/decisions.ts'
import { mayRead, recipientRoles, type Role } from '../../../src-shared/roles.ts'
import { matchPattern, mustParsePattern } from '../../../src-shared/ucxl.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { DecisionIndex } from './decision-index.ts'

export interface ReadableFields {
  title: string
  status: DecisionContent['status']
  tags: string[]
  /** Lower-cased title, body, context, consequences, options and tags, for text search. */
  text: string
}

export function readableFields(c: DecisionContent): ReadableFields {
  const text = [c.title, c.body, c.context ?? '', c.consequences ?? '', ...(c.options ?? []), ...c.tags].join('\n').toLowerCase()
  return { title: c.title, status: c.status, tags: c.tags, text }
}

export class SearchIndex {
  private readonly fields = new Map<string, ReadableFields>()
  /** Records this member may read by role but cannot open (sealed with a key it does not hold). */
  private readonly sealed = new Set<string>()

  set(address: string, content: DecisionContent): void {
    this.fields.set(address, readableFields(content))
    this.sealed.delete(address)
  }

  markSealed(address: string): void {
    this.sealed.add(address)
  }

  isSealed(address: string): boolean {
    return this.sealed.has(address)
  }

  get(address: string): ReadableFields | undefined {
    return this.fields.get(address)
  }

  has(address: string): boolean {
    return this.fields.has(address)
  }

  clear(): void {
    this.fields.clear()
    this.sealed.clear()
  }

  get size(): number {
    return this.fields.size
  }
}

type ListArgs = Required<Pick<ListInput, 'includeLocked' | 'limit'>> & Omit<ListInput, 'includeLocked' | 'limit'>

function encodeCursor(h: DecisionHeader): string {
  return Buffer.from(`${h.createdAt}:${h.address}`).toString('base64url')
}

function decodeCursor(cursor: string): { createdAt: number; address: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  const cut = text.indexOf(':')
  const createdAt = Number(text.slice(0, cut))
  if (cut <= 0 || !Number.isFinite(createdAt)) throw new BzzzError('invalid_input', 'cursor is not one this peer returned')
  return { createdAt, address: text.slice(cut + 1) }
}

/** Newest first; ties broken by address so pages are stable. */
function newerFirst(a: DecisionHeader, b: DecisionHeader): number {
  return b.createdAt - a.createdAt || (a.address < b.address ? 1 : a.address > b.address ? -1 : 0)
}

export function listDecisions(index: DecisionIndex, search: SearchIndex, args: ListArgs, viewer: Role): { items: DecisionListItem[]; total: number; nextCursor?: string } {
  const pattern = args.pattern === undefined ? undefined : mustParsePattern(args.pattern)
  const needsContent = args.status !== undefined || args.tag !== undefined || (args.q !== undefined && args.q.trim() !== '')
  const terms = (args.q ?? '').toLowerCase().split(/\s+/).filter((t) => t.length > 0)
  const matches: { header: DecisionHeader; fields: ReadableFields | undefined }[] = []
  for (const header of index.all()) {
    if (args.type !== undefined && header.type !== args.type) continue
    if (args.audience !== undefined && header.audience !== args.audience) continue
    if (args.author !== undefined && header.author !== args.author) continue
    if (pattern !== undefined && !matchPattern(pattern, header.address)) continue
    const fields = mayRead(viewer, header.audience).allowed ? search.get(header.address) : undefined
    if (fields === undefined && (needsContent || !args.includeLocked)) continue
    if (fields !== undefined) {
      if (args.status !== undefined && fields.status !== args.status) continue
      if (args.tag !== undefined && !fields.tags.includes(args.tag)) continue
      if (terms.length > 0 && !terms.every((t) => fields.text.includes(t))) continue
    }
    matches.push({ header, fields })
  }
  matches.sort((a, b) => newerFirst(a.header, b.header))
  let start = 0
  if (args.cursor !== undefined) {
    const after = decodeCursor(args.cursor)
    const probe = { createdAt: after.createdAt, address: after.address } as DecisionHeader
    start = matches.findIndex((m) => newerFirst(probe, m.header) < 0)
    if (start < 0) start = matches.length
  }
  const page = matches.slice(start, start + args.limit)
  const items: DecisionListItem[] = page.map(({ header, fields }) => {
    const supersededBy = index.supersededBy(header.address)
    const reason = !mayRead(viewer, header.audience).allowed ? 'role' : search.isSealed(header.address) ? 'no_key' : 'fetching'
    return fields === undefined
      ? { locked: true, reason, header, readableBy: recipientRoles(header.audience), supersededBy }
      : { locked: false, header, title: fields.title, status: fields.status, tags: fields.tags, supersededBy }
  })
  const last = page.at(-1)
  return { items, total: matches.length, ...(start + args.limit < matches.length && last !== undefined ? { nextCursor: encodeCursor(last.header) } : {}) }
}
