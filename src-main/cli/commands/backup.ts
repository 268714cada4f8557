// bzzz backup --out FILE and bzzz restore FILE: an encrypted archive of this member, and bringing it back on a new
// machine with the same identity (member, keys, custody share, peer id).
import type { Command } from 'commander'
import { readFile, stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { BzzzError } from '../../../src-shared/errors.ts'
import { writeFileAtomic, writeFileAtomicExclusive } from '../../core/store/atomic-file.ts'
import { lockHolder } from '../../core/store/process-lock.ts'
import { assertRestoreTarget, createBackup, readBackupHeader, restoreBackup } from '../../core/vault/backup.ts'
import { Vault } from '../../core/vault/vault.ts'
import { dataDirOf, withLocalPeer, type DataDirOptions } from '../context.ts'
import { readPassphrase } from '../passphrase.ts'

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

function refusedOverwrite(out: string): BzzzError {
  return new BzzzError('conflict', `${out} already exists; refusing to overwrite it (use --force to replace it); nothing was written`)
}

/** A file-system error on `path` as one line with the right exit code. */
function fileError(err: unknown, path: string, doing: string): unknown {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new BzzzError('not_found', `cannot ${doing} ${path}: no such file or directory`)
  if (code === 'EACCES' || code === 'EPERM') return new BzzzError('forbidden', `cannot ${doing} ${path}: permission denied`)
  if (code === 'EISDIR') return new BzzzError('invalid_input', `cannot ${doing} ${path}: it is a directory`)
  return err
}

/** True when readPassphrase is going to ask on the terminal (so we say first what the passphrase is for). */
function willPrompt(opts: DataDirOptions): boolean {
  return opts.passphraseFile === undefined && (process.env.BZZZ_PASSPHRASE ?? '') === '' && process.stdin.isTTY === true
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description("write an encrypted archive of this member (vault, peer key, settings, roster) for 'bzzz restore'; needs the vault passphrase")
    .requiredOption('--out <file>', 'where to write the backup (created with mode 0600)')
    .option('--force', 'replace FILE if it already exists')
    .action(async (opts: DataDirOptions & { out: string; force?: boolean }, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...opts } as DataDirOptions & { out: string; force?: boolean }
      const dataDir = resolve(dataDirOf(all))
      const out = resolve(all.out)
      if (!all.force && (await exists(out))) throw refusedOverwrite(out)
      const holder = await lockHolder(dataDir)
      if (holder !== undefined) {
        throw new BzzzError(
          'conflict',
          `a bzzz peer is running on ${dataDir} (pid ${holder.pid}, '${holder.command}'); stop the peer first, then run 'bzzz backup' again; nothing was written`,
        )
      }
      if (!(await Vault.exists(dataDir))) throw new BzzzError('not_found', `no member in ${dataDir} (no vault); nothing to back up`)
      const passphrase = await readPassphrase(all)
      const { archive, member } = await withLocalPeer(all, 'bzzz backup', async (peer) => {
        const bytes = await createBackup(peer, passphrase)
        const s = peer.session
        return { archive: bytes, member: { id: s.memberId, networkId: s.networkId, networkName: s.networkName } }
      })
      try {
        if (all.force) await writeFileAtomic(out, archive, 0o600)
        else await writeFileAtomicExclusive(out, archive, 0o600)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw refusedOverwrite(out)
        throw fileError(err, out, 'write')
      }
      process.stdout.write(`Backed up member '${member.id}' of network '${member.networkName}' (${member.networkId}) from ${dataDir} to ${out}\n`)
    })

  program
    .command('restore <file>')
    .description("bring a member back from a 'bzzz backup' archive into the data directory, which must hold no member yet")
    .action(async (file: string, opts: DataDirOptions, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...opts } as DataDirOptions
      const dataDir = resolve(dataDirOf(all))
      const path = resolve(file)
      let archive: Uint8Array
      try {
        archive = new Uint8Array(await readFile(path))
      } catch (err) {
        throw fileError(err, path, 'read the backup')
      }
      const header = readBackupHeader(archive)
      await assertRestoreTarget(dataDir)
      if (willPrompt(all)) {
        process.stderr.write(
          `Restoring member '${header.member.id}' of network '${header.network.name}' (${header.network.id}), backed up ${new Date(header.createdAt).toISOString()}; enter the vault passphrase it was made with.\n`,
        )
      }
      const passphrase = await readPassphrase(all)
      const r = await restoreBackup({ dataDir, archive, passphrase })
      process.stdout.write(
        `Restored member '${r.memberId}' of network '${r.networkName}' (${r.networkId}), peer id ${r.peerId}, from ${path} into ${dataDir}; it unlocks with the same passphrase\n`,
      )
    })
}
