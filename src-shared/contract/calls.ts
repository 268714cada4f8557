// The one table of calls. IPC, WebSocket, HTTP and MCP adapters are generated from it or checked against it.
import { z } from 'zod'
import { configSchema } from '../config.ts'
import {
  decisionSchema,
  headerSchema,
  listInputSchema,
  listItemSchema,
  publishInputSchema,
  roleSchema,
} from '../decisions.ts'
import { auditEntrySchema, auditVerifySchema, custodyStatusSchema, electionStatusSchema } from '../governance.ts'
import {
  createNetworkInputSchema,
  inviteInputSchema,
  inviteSchema,
  joinNetworkInputSchema,
  memberSchema,
  nodeStatusSchema,
  passphraseSchema,
  peerInfoSchema,
} from '../network.ts'
import { PUBLISH_OPERATION, type Operation } from '../roles.ts'
import { addressSchema, segmentSchema } from '../ucxl.ts'

/**
 * Who may make a call:
 * - 'open': anyone holding the local API token, even before the vault is unlocked (status, onboarding, unlock);
 * - 'member': the local member with an unlocked vault;
 * - an Operation of the permission matrix (static or chosen from the input); conditional cells are decided by the
 *   handler, which has the context (audience, setting class, debug tool).
 */
export type Access<I> = 'open' | 'member' | Operation | ((input: I) => Operation)

/** Which rate-limit bucket a call draws from (the seeds: decisions 100/min, crypto 50/min, admin 10/min). */
export type RateBucket = 'decisions' | 'crypto' | 'admin' | 'general'

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Express-style path; `:name` segments fill input fields, a trailing `*name` takes the rest of the path. */
  path: string
}

export interface CallSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  summary: string
  input: I
  output: O
  access: Access<z.output<I>>
  rate: RateBucket
  http: HttpRoute
  /** Exposed as an MCP tool for AI agents. */
  mcp?: { tool: string }
}

function call<I extends z.ZodType, O extends z.ZodType>(spec: CallSpec<I, O>): CallSpec<I, O> {
  return spec
}

const empty = z.object({}).strict()
const done = z.object({ done: z.literal(true) })

export const calls = {
  // -- node and vault ------------------------------------------------------------------------------------------
  'node.status': call({
    summary: "This peer's state: vault, member, connections, admin and term",
    input: empty,
    output: nodeStatusSchema,
    access: 'open',
    rate: 'general',
    http: { method: 'GET', path: '/api/status' },
  }),
  'network.create': call({
    summary: 'Create a new network with this peer as its first admin',
    input: createNetworkInputSchema,
    output: nodeStatusSchema,
    access: 'open',
    rate: 'admin',
    http: { method: 'POST', path: '/api/network' },
  }),
  'network.join': call({
    summary: 'Join a network with an invite code',
    input: joinNetworkInputSchema,
    output: nodeStatusSchema,
    access: 'open',
    rate: 'admin',
    http: { method: 'POST', path: '/api/network/join' },
  }),
  'vault.unlock': call({
    summary: 'Unlock the vault with its passphrase',
    input: z.object({ passphrase: passphraseSchema }).strict(),
    output: nodeStatusSchema,
    access: 'open',
    rate: 'admin',
    http: { method: 'POST', path: '/api/vault/unlock' },
  }),
  'vault.lock': call({
    summary: 'Lock the vault; the peer keeps serving the network but cannot read or sign',
    input: empty,
    output: nodeStatusSchema,
    access: 'member',
    rate: 'admin',
    http: { method: 'POST', path: '/api/vault/lock' },
  }),

  // -- decisions ----------------------------------------------------------------------------------------------
  'decisions.publish': call({
    summary: 'Publish a decision: encrypt to its audience and every role above, sign, store in the DHT, announce',
    input: publishInputSchema,
    output: z.object({ address: z.string(), replicas: z.number().int().nonnegative(), header: headerSchema }),
    access: (i) => PUBLISH_OPERATION[i.type],
    rate: 'decisions',
    http: { method: 'POST', path: '/api/decisions/:type' },
    mcp: { tool: 'publish_decision' },
  }),
  'decisions.get': call({
    summary: 'Read one decision by its UCXL address, decrypted and with its signature checked',
    input: z.object({ address: addressSchema }).strict(),
    output: decisionSchema,
    access: 'read_own',
    rate: 'decisions',
    http: { method: 'GET', path: '/api/decisions/content/*address' },
    mcp: { tool: 'get_decision' },
  }),
  'decisions.list': call({
    summary: 'List decisions by UCXL pattern (* and **), type, status, tag, audience, author and text',
    input: listInputSchema,
    output: z.object({ items: z.array(listItemSchema), total: z.number().int(), nextCursor: z.string().optional() }),
    access: 'read_own',
    rate: 'decisions',
    http: { method: 'GET', path: '/api/decisions' },
    mcp: { tool: 'search_decisions' },
  }),
  'decisions.history': call({
    summary: 'Every version of a decision, oldest first, following supersedes links both ways',
    input: z.object({ address: addressSchema }).strict(),
    output: z.object({ versions: z.array(listItemSchema) }),
    access: 'read_own',
    rate: 'decisions',
    http: { method: 'GET', path: '/api/decisions/history/*address' },
  }),

  // -- crypto (the seeds' crypto endpoints) -------------------------------------------------------------------
  'crypto.encrypt': call({
    summary: 'Encrypt text to a role and every role above it (standard age, armored)',
    input: z.object({ role: roleSchema, plaintext: z.string().max(1024 * 1024) }).strict(),
    output: z.object({ armored: z.string(), recipients: z.array(roleSchema) }),
    access: 'read_own',
    rate: 'crypto',
    http: { method: 'POST', path: '/api/crypto/encrypt' },
  }),
  'crypto.decrypt': call({
    summary: 'Decrypt an armored age message with the role keys this member holds',
    input: z.object({ armored: z.string().max(2 * 1024 * 1024) }).strict(),
    output: z.object({ plaintext: z.string(), role: roleSchema }),
    access: 'read_own',
    rate: 'crypto',
    http: { method: 'POST', path: '/api/crypto/decrypt' },
  }),

  // -- peers and members --------------------------------------------------------------------------------------
  'peers.list': call({
    summary: 'Peers this node is connected to, with their member, role and latency',
    input: empty,
    output: z.object({ peers: z.array(peerInfoSchema) }),
    access: 'member',
    rate: 'general',
    http: { method: 'GET', path: '/api/peers' },
    mcp: { tool: 'list_peers' },
  }),
  'members.list': call({
    summary: 'The roster: every member with role, keys and flags',
    input: empty,
    output: z.object({ seq: z.number().int(), members: z.array(memberSchema) }),
    access: 'member',
    rate: 'general',
    http: { method: 'GET', path: '/api/members' },
  }),
  'members.invite': call({
    summary: 'Create a one-time invite code for a new member of a role',
    input: inviteInputSchema,
    output: inviteSchema,
    access: 'key_management',
    rate: 'admin',
    http: { method: 'POST', path: '/api/members/invites' },
  }),
  'members.remove': call({
    summary: "Remove a member and rotate its role's key",
    input: z.object({ memberId: segmentSchema }).strict(),
    output: z.object({ seq: z.number().int(), rotatedRole: roleSchema }),
    access: 'key_management',
    rate: 'admin',
    http: { method: 'DELETE', path: '/api/members/:memberId' },
  }),
  'keys.rotate': call({
    summary: 'Rotate a role key or the admin key now',
    input: z.object({ key: roleSchema }).strict(),
    output: z.object({ key: roleSchema, keyId: z.string() }),
    access: 'key_management',
    rate: 'admin',
    http: { method: 'POST', path: '/api/keys/rotate' },
  }),

  // -- election and custody -----------------------------------------------------------------------------------
  'election.status': call({
    summary: 'Term, admin, each peer state, candidates with scores and the last elections',
    input: empty,
    output: electionStatusSchema,
    access: 'member',
    rate: 'general',
    http: { method: 'GET', path: '/api/election' },
    mcp: { tool: 'election_status' },
  }),
  'election.trigger': call({
    summary: 'Start an election now',
    input: empty,
    output: z.object({ term: z.number().int() }),
    access: 'trigger_election',
    rate: 'admin',
    http: { method: 'POST', path: '/api/election/trigger' },
  }),
  'custody.status': call({
    summary: 'Who holds admin-key shares, pending share requests, recovery progress',
    input: empty,
    output: custodyStatusSchema,
    access: 'member',
    rate: 'general',
    http: { method: 'GET', path: '/api/custody' },
  }),
  'custody.approve': call({
    summary: 'Release this custodian share to the certified winner of a request',
    input: z.object({ requestId: z.string().min(1).max(128) }).strict(),
    output: done,
    access: 'member',
    rate: 'admin',
    http: { method: 'POST', path: '/api/custody/requests/:requestId/approve' },
  }),
  'custody.deny': call({
    summary: 'Refuse a share request',
    input: z.object({ requestId: z.string().min(1).max(128), reason: z.string().max(500).default('') }).strict(),
    output: done,
    access: 'member',
    rate: 'admin',
    http: { method: 'POST', path: '/api/custody/requests/:requestId/deny' },
  }),
  'custody.assign': call({
    summary: 'Choose the five custodians; re-splits the admin key',
    input: z.object({ members: z.array(segmentSchema).length(5) }).strict(),
    output: z.object({ epoch: z.number().int() }),
    access: 'key_management',
    rate: 'admin',
    http: { method: 'POST', path: '/api/custody/assign' },
  }),

  // -- operations ---------------------------------------------------------------------------------------------
  'audit.list': call({
    summary: 'The hash-chained audit log, newest last',
    input: z
      .object({
        after: z.number().int().nonnegative().optional(),
        limit: z.number().int().min(1).max(1000).default(200),
        /** The newest `limit` entries (after `after`, if given) instead of the oldest; still oldest first. */
        newest: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ entries: z.array(auditEntrySchema) }),
    access: 'debug_access',
    rate: 'general',
    http: { method: 'GET', path: '/api/audit' },
  }),
  'audit.verify': call({
    summary: 'Check the audit chain and name the first broken entry',
    input: empty,
    output: auditVerifySchema,
    access: 'debug_access',
    rate: 'general',
    http: { method: 'GET', path: '/api/audit/verify' },
  }),
  'config.get': call({
    summary: 'The effective configuration',
    input: empty,
    output: configSchema,
    access: 'member',
    rate: 'general',
    http: { method: 'GET', path: '/api/config' },
  }),
  'config.set': call({
    summary: 'Change one configuration key (dotted path); validated before it is stored',
    input: z.object({ key: z.string().min(1).max(100), value: z.unknown() }).strict(),
    output: z.object({
      key: z.string(),
      config: configSchema,
      /** Settings of this change that apply only after the peer restarts (the others are applied already). */
      restartRequired: z.array(z.string()),
      /** An environment variable or flag of the running peer sets this key: the file holds the new value, the override wins. */
      overridden: z.boolean(),
    }),
    access: 'system_configuration',
    rate: 'admin',
    http: { method: 'PUT', path: '/api/config' },
  }),
  'debug.connections': call({
    summary: 'Open connections with their streams and protocols',
    input: empty,
    output: z.object({ connections: z.array(z.object({ peerId: z.string(), memberId: z.string().optional(), addr: z.string(), direction: z.string(), streams: z.array(z.string()) })) }),
    access: 'debug_access',
    rate: 'general',
    http: { method: 'GET', path: '/api/debug/connections' },
  }),
  'debug.gossip': call({
    summary: 'Gossipsub mesh peers per topic',
    input: empty,
    output: z.object({ topics: z.array(z.object({ topic: z.string(), mesh: z.array(z.string()), subscribers: z.number().int() })) }),
    access: 'debug_access',
    rate: 'general',
    http: { method: 'GET', path: '/api/debug/gossip' },
  }),
  'debug.routing': call({
    summary: 'The Kademlia routing table',
    input: empty,
    output: z.object({ kBucketSize: z.number().int(), peers: z.array(z.object({ peerId: z.string(), memberId: z.string().optional(), distance: z.string() })) }),
    access: 'debug_access',
    rate: 'general',
    http: { method: 'GET', path: '/api/debug/routing' },
  }),
  'debug.dhtGet': call({
    summary: 'Look up a raw DHT record by key (read-only)',
    input: z.object({ key: z.string().regex(/^\/bzzz\//, "DHT keys start with '/bzzz/'").max(512) }).strict(),
    output: z.object({
      key: z.string(),
      found: z.boolean(),
      /** Where the record came from: the DHT (the network's best value) or, failing that, this peer's own store. */
      source: z.enum(['dht', 'local']).optional(),
      kind: z.string().optional(),
      author: z.string().optional(),
      bytes: z.number().int().optional(),
      valid: z.boolean().optional(),
      /** Why the record does not validate. */
      reason: z.string().optional(),
    }),
    access: 'raw_dht',
    rate: 'general',
    http: { method: 'GET', path: '/api/debug/dht' },
  }),
} satisfies Record<string, CallSpec>

export type Calls = typeof calls
export type CallName = keyof Calls
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>
export type CallArgs<N extends CallName> = z.output<Calls[N]['input']>
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>

export const CALL_NAMES = Object.keys(calls) as CallName[]

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.hasOwn(calls, name)
}

/** The operation a call needs for this input, or the access level when it is not an operation. */
export function requiredAccess<N extends CallName>(name: N, input: CallArgs<N>): 'open' | 'member' | Operation {
  const access = calls[name].access as Access<CallArgs<N>>
  return typeof access === 'function' ? access(input) : access
}
