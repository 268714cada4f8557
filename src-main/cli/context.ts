// Shared option handling: where the data directory is, and running a command against a local peer.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { dispatchOrThrow } from '../api/dispatch.ts'
import type { CallInput, CallName, CallOutput } from '../../src-shared/contract/calls.ts'
import { Peer } from '../core/peer.ts'
import { readPassphrase, type PassphraseOptions } from './passphrase.ts'

export interface DataDirOptions extends PassphraseOptions {
  dataDir?: string
}

export function dataDirOf(opts: DataDirOptions): string {
  return opts.dataDir ?? process.env.BZZZ_DATA_DIR ?? join(homedir(), '.bzzz')
}

/** Opens the data directory in this process (no network), runs `fn`, and always closes it. */
export async function withLocalPeer<T>(opts: DataDirOptions, command: string, fn: (peer: Peer) => Promise<T>): Promise<T> {
  const peer = await Peer.open({ dataDir: dataDirOf(opts), command })
  try {
    return await fn(peer)
  } finally {
    await peer.close()
  }
}

/** Opens and unlocks the local vault, then runs `fn`. */
export async function withUnlockedPeer<T>(opts: DataDirOptions, command: string, fn: (peer: Peer) => Promise<T>): Promise<T> {
  return withLocalPeer(opts, command, async (peer) => {
    if (peer.vaultState === 'absent') void peer.session // throws the onboarding hint before asking for a passphrase
    await peer.unlock(await readPassphrase(opts))
    return fn(peer)
  })
}

/** A contract call made from the command line against a local peer. */
export function localCall<N extends CallName>(peer: Peer, name: N, input: CallInput<N>): Promise<CallOutput<N>> {
  return dispatchOrThrow(name, input, { peer, transport: 'cli' })
}
