// One valid input per contract call (and per desktop call): the seeds the fuzz tests mutate into near-valid inputs.
// contract-dispatch.test.ts checks that every call has one and that each is valid, so a new call cannot be missed.
import fc from 'fast-check'
import type { CallName } from '../../src-shared/contract/calls.ts'
import type { DesktopCallName } from '../../src-shared/contract/desktop.ts'
import { mutatedObject, weirdString, weirdValue } from './fuzz.ts'

const address = 'alice/architect/payments/storage/01JFUZZ0000000000000000000'

export const CALL_EXAMPLES: Record<CallName, Record<string, unknown>> = {
  'node.status': {},
  'network.create': { networkName: 'acme', memberName: 'alice', passphrase: 'passphrase-1' },
  'network.join': { invite: 'bzzz-invite:eyJ2IjoxfQ', memberName: 'bob', passphrase: 'passphrase-1' },
  'vault.unlock': { passphrase: 'passphrase-1' },
  'vault.lock': {},
  'decisions.publish': {
    type: 'architectural',
    title: 'Use PostgreSQL',
    body: 'For the ledger.',
    context: 'c',
    options: ['a', 'b'],
    audience: 'backend_dev',
    project: 'payments',
    task: 'storage',
    status: 'accepted',
    tags: ['db', 'v1.2'],
    links: [{ kind: 'supersedes', address }],
    code: { files_modified: ['a.go'], test_results: { passed: 1, failed: 0 }, success: true },
  },
  'decisions.get': { address },
  'decisions.list': { pattern: '*/architect/**', type: 'decision', status: 'accepted', tag: 'db', audience: 'observer', author: 'alice', q: 'ledger', includeLocked: false, limit: 5, cursor: 'c1' },
  'decisions.history': { address },
  'crypto.encrypt': { role: 'observer', plaintext: 'hello' },
  'crypto.decrypt': { armored: '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n' },
  'peers.list': {},
  'members.list': {},
  'members.invite': { role: 'architect', ttlSeconds: 3600 },
  'members.remove': { memberId: 'bob' },
  'keys.rotate': { key: 'architect' },
  'election.status': {},
  'election.trigger': {},
  'custody.status': {},
  'custody.approve': { requestId: 'r1' },
  'custody.deny': { requestId: 'r1', reason: 'not now' },
  'custody.assign': { members: ['a', 'b', 'c', 'd', 'e'] },
  'audit.list': { after: 0, limit: 10, newest: true },
  'audit.verify': {},
  'config.get': {},
  'config.set': { key: 'cache.entries', value: 100 },
  'debug.connections': {},
  'debug.gossip': {},
  'debug.routing': {},
  'debug.dhtGet': { key: '/bzzz/nabc/roster' },
}

export const DESKTOP_EXAMPLES: Record<DesktopCallName, Record<string, unknown>> = {
  'desktop.settings.get': {},
  'desktop.settings.set': { launchAtLogin: true, theme: 'dark', rememberUnlock: false },
}

/** Field names of every example, so extra-key mutations include near-misses of real fields. */
const ALL_KEYS = [...new Set(Object.values({ ...CALL_EXAMPLES, ...DESKTOP_EXAMPLES }).flatMap((o) => Object.keys(o)))]

/** A call's input: its valid example, mutated (most often), or garbage of any shape. */
export function inputFor(example: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(example) },
    { weight: 6, arbitrary: mutatedObject(fc.constant(example), ALL_KEYS) },
    { weight: 1, arbitrary: weirdValue },
    { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...ALL_KEYS), weirdString), weirdValue, { maxKeys: 5 }) },
  )
}
