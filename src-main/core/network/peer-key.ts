// The libp2p peer key: persistent, so the peer id (which the roster binds to the member) survives restarts.
// Kept beside the vault, not in it, so a peer can keep serving the network while its vault is locked.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { PrivateKey } from '@libp2p/interface'
import { BzzzError } from '../../../src-shared/errors.ts'
import { writeFileAtomicExclusive } from '../store/atomic-file.ts'

export const PEER_KEY_FILE = 'peer-key'

export async function loadOrCreatePeerKey(dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, PEER_KEY_FILE)
  try {
    return privateKeyFromProtobuf(new Uint8Array(await readFile(path)))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new BzzzError('invalid_input', `the peer key ${path} is damaged; restore it from a backup (deleting it gives this member a new peer id the roster does not know)`)
    }
  }
  const key = await generateKeyPair('Ed25519')
  try {
    await writeFileAtomicExclusive(path, privateKeyToProtobuf(key))
    return key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return privateKeyFromProtobuf(new Uint8Array(await readFile(path)))
    throw err
  }
}

export async function peerIdOf(dataDir: string): Promise<string> {
  return peerIdFromPrivateKey(await loadOrCreatePeerKey(dataDir)).toString()
}
