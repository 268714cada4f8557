// A small network in memory for the record fuzz tests: a genesis roster (alice, admin) plus bob (architect), the
// validator of a peer that holds it, and one valid signed record of each kind the DHT stores, with its key.
import { randomBytes } from 'node:crypto'
import { formatAddress } from '../../src-shared/ucxl.ts'
import type { DecisionHeader } from '../../src-shared/decisions.ts'
import { adminKeyFromSecret } from '../../src-main/core/crypto/admin-key.ts'
import { fromBase64, toBase64 } from '../../src-main/core/crypto/encoding.ts'
import { encodeEnvelope, signEnvelope } from '../../src-main/core/crypto/envelope.ts'
import { sha256Hex } from '../../src-main/core/crypto/hash.ts'
import { signingKeyFromSeed, type SigningKeyPair } from '../../src-main/core/crypto/signing.ts'
import { logRecordsAfterPublish } from '../../src-main/core/decisions/author-log.ts'
import { createGenesis } from '../../src-main/core/membership/genesis.ts'
import { generateMemberKeys, publicSigningKey } from '../../src-main/core/membership/identity.ts'
import type { TrustAnchor } from '../../src-main/core/membership/roster-book.ts'
import { signRoster, type Roster } from '../../src-main/core/membership/roster.ts'
import { decisionKey, keysKey, logKey, rosterKey } from '../../src-main/core/records/keys.ts'
import type { DecisionRecord, KeyEnvelopePayload } from '../../src-main/core/records/schemas.ts'
import { RecordValidator } from '../../src-main/core/records/validate.ts'

export interface ValidRecord {
  name: string
  key: string
  bytes: Uint8Array
}

export interface FuzzNetwork {
  net: string
  trust: TrustAnchor
  roster: Roster
  admin: SigningKeyPair
  alice: SigningKeyPair
  bob: SigningKeyPair
  validator: RecordValidator
  records: ValidRecord[]
  /** A valid decision by bob (architect) with its header, to build variants from. */
  decision: { key: string; bytes: Uint8Array; header: DecisionHeader; sealed: string }
  signDecision(author: 'alice' | 'bob', header: DecisionHeader, sealed: string): Uint8Array
}

const DAY = 24 * 3600 * 1000

export async function fuzzNetwork(): Promise<FuzzNetwork> {
  const genesis = await createGenesis({ networkName: 'acme', memberName: 'alice', peerId: '12D3KooWFuzzAlice' })
  if (genesis.vault.adminSecret === undefined) throw new Error('genesis made no admin secret')
  const admin = adminKeyFromSecret(fromBase64(genesis.vault.adminSecret)).signing
  const alice = signingKeyFromSeed(fromBase64(genesis.vault.member.signingSeed))
  const bobKeys = generateMemberKeys()
  const net = genesis.roster.net
  const roster: Roster = {
    ...genesis.roster.payload,
    seq: 2,
    members: [
      ...genesis.roster.payload.members,
      {
        id: 'bob',
        name: 'bob',
        role: 'architect',
        peerIds: ['12D3KooWFuzzBob'],
        signingKey: publicSigningKey(bobKeys),
        ageRecipient: bobKeys.ageRecipient,
        flags: { elector: true, candidate: true, custodian: false },
        joinedAt: Date.now(),
      },
    ],
  }
  const rosterEnv = signRoster(roster, admin)
  const trust: TrustAnchor = { networkId: net, networkName: 'acme', adminSigningKey: roster.admin.signingKey }
  const validator = new RecordValidator({ trust: () => trust, roster: () => roster })
  const keyOf = { alice, bob: bobKeys.signing }

  const signDecision = (author: 'alice' | 'bob', header: DecisionHeader, sealed: string): Uint8Array =>
    encodeEnvelope(signEnvelope<DecisionRecord>({ kind: 'decision', net, author, seq: 0, payload: { header, sealed }, ttlMs: 365 * DAY }, keyOf[author]))

  const sealedBytes = new Uint8Array(randomBytes(96))
  const sealed = toBase64(sealedBytes)
  const address = formatAddress({ agent: 'bob', role: 'architect', project: 'payments', task: 'storage', node: '01JFUZZ0000000000000000000' })
  const header: DecisionHeader = {
    address,
    type: 'architectural',
    audience: 'backend_dev',
    author: 'bob',
    authorRole: 'architect',
    createdAt: Date.now(),
    contentHash: sha256Hex(sealedBytes),
    size: sealedBytes.length,
  }
  const decisionBytes = signDecision('bob', header, sealed)
  const decision = { key: decisionKey(net, address), bytes: decisionBytes, header, sealed }

  const [logHead] = logRecordsAfterPublish(net, 'bob', [header], bobKeys.signing)
  const keyEnvelope: KeyEnvelopePayload = { member: 'bob', keys: [{ role: 'architect', keyId: 'k1', createdAt: Date.now(), retired: false, sealed: toBase64(new Uint8Array(randomBytes(32))) }] }
  const keysBytes = encodeEnvelope(signEnvelope({ kind: 'key_envelope', net, author: 'admin', seq: roster.seq, payload: keyEnvelope, ttlMs: 365 * DAY }, admin))

  const records: ValidRecord[] = [
    { name: 'decision', key: decision.key, bytes: decisionBytes },
    { name: 'roster', key: rosterKey(net), bytes: encodeEnvelope(rosterEnv) },
    { name: 'keyring', key: genesis.keyring.key, bytes: genesis.keyring.bytes },
    { name: 'key envelope', key: keysKey(net, 'bob'), bytes: keysBytes },
    { name: 'log head', key: logKey(net, 'bob'), bytes: logHead!.bytes },
  ]
  for (const r of records) validator.byKey(r.key, r.bytes) // every fixture is valid to begin with
  return { net, trust, roster, admin, alice, bob: bobKeys.signing, validator, records, decision, signDecision }
}
