// Named crash points for the crash-safety tests, in the manner of etcd's gofail: a test starts a real `bzzz peer`
// (or `bzzz join`) with BZZZ_FAILPOINTS set and the process kills itself with SIGKILL at exactly that point, so
// nothing is flushed, nothing is cleaned up, and the restart sees the disk as a power cut would leave it.
//
// Syntax (read once, when this module loads):
//   BZZZ_FAILPOINTS="<point>=<action>[;<point>=<action>...]"
//   action: crash       SIGKILL this process the first time the point is reached
//           crash@N     SIGKILL the N-th time it is reached (the earlier N-1 pass)
//           off         never (handy to switch one off in a shared list)
// e.g. BZZZ_FAILPOINTS="publish.after-local-write=crash;election.vote.after-persist=crash@2"
//
// Before dying, the process writes one line to stderr, synchronously:
//   bzzz failpoint <point>: crash {"term":3,...}
// so a test can tell the kill it planned from a crash of its own. Unknown point names are refused at start (a typo
// would otherwise make a test pass without crashing anything). Unset, `failpoint()` returns at its first comparison.
import { writeSync } from 'node:fs'

/** Every point, in the order an operation reaches them. */
export const FAILPOINTS = [
  // decisions/service.ts: publish
  'publish.after-validation', // checked and sealed; nothing written yet
  'publish.after-local-write', // record, header, author-log position and log records committed (one batch)
  'publish.after-dht-put', // the record is in the DHT; no gossip, no acknowledgement yet
  'publish.after-announce', // gossiped; no audit entry, no acknowledgement yet
  'publish.after-log-put', // the author-log head reached the DHT (background, after the local commit)
  // membership/admin.ts: the admin admitting a joiner
  'join.admit.after-accept', // invite and request checked, the roster change decided; nothing written yet
  'join.admit.after-roster', // the roster naming the member is committed; its key envelope is not stored yet
  'join.admit.after-keys', // the key envelope is stored; the joiner has no answer yet
  // peer.ts: the joiner
  'join.after-reply', // the admin's answer is verified; nothing written on the joiner's side yet
  'join.after-roster', // roster and key envelope written; the vault (the commit point) is not
  // election/service.ts
  'election.vote.after-persist', // a granted vote is on disk; the answer has not left
  'election.candidate.after-persist', // a candidate's term and self-vote are on disk; no request has left
  'election.certificate.after-persist', // an adopted certificate is on disk; the winner has not started recovery
  // custody/service.ts, takeover.ts
  'custody.release.before-send', // the custodian decided to release (sealed, signed, audited); nothing sent
  'custody.release.after-send', // the release reached the winner (the "ask" policy's approval path)
  'custody.recover.after-combine', // the winner rebuilt and verified the admin key; nothing written
  'custody.takeover.after-vault', // the admin key and role keys are in the vault; the roster does not name the seat
  // membership/admin.ts: roster changes with key rotation or a re-split
  'membership.change.after-vault', // new role key or shares in the vault; no key envelope, keyring or roster yet
  'membership.change.after-roster', // the new roster is committed
  'membership.rotate-admin.after-vault', // the new admin secret is in the vault; no roster names its key yet
  // vault/vault.ts
  'vault.update.before-rename', // the new vault is complete and synced beside the old one; the rename has not happened
] as const

export type FailpointName = (typeof FAILPOINTS)[number]

interface Armed {
  /** The hit that crashes (1 = the first). */
  at: number
  hits: number
}

function parse(spec: string | undefined): Map<string, Armed> | undefined {
  if (spec === undefined || spec.trim() === '') return undefined
  const armed = new Map<string, Armed>()
  for (const entry of spec.split(/[;,]/).map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z0-9.-]+)=(crash(?:@(\d+))?|off)$/.exec(entry)
    if (m === null) throw new Error(`BZZZ_FAILPOINTS: '${entry}' is not <point>=crash, <point>=crash@N or <point>=off`)
    const name = m[1]!
    if (!(FAILPOINTS as readonly string[]).includes(name)) throw new Error(`BZZZ_FAILPOINTS: unknown point '${name}'; known: ${FAILPOINTS.join(', ')}`)
    if (m[2] === 'off') armed.delete(name)
    else armed.set(name, { at: Math.max(1, Number(m[3] ?? 1)), hits: 0 })
  }
  return armed.size === 0 ? undefined : armed
}

const armed = parse(process.env.BZZZ_FAILPOINTS)

/** Crashes the process here if the point is armed; `detail` (ids, terms; never secrets) goes into the last line. */
export function failpoint(name: FailpointName, detail?: Record<string, unknown>): void {
  if (armed === undefined) return
  const point = armed.get(name)
  if (point === undefined || ++point.hits !== point.at) return
  writeSync(2, `bzzz failpoint ${name}: crash${detail === undefined ? '' : ` ${JSON.stringify(detail)}`}\n`)
  process.kill(process.pid, 'SIGKILL')
}

/** For tests of this module: parse without arming anything. */
export const parseFailpointsForTest = parse
