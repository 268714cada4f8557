// bzzz crypto encrypt|decrypt (stdin to stdout, standard age) and bzzz keys export.
import type { Command } from 'commander'
import { ROLES, isRole, type Role } from '../../../src-shared/roles.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { armor } from '../../core/crypto/age.ts'
import { utf8 } from '../../core/crypto/encoding.ts'
import { openWithHeldKeys, sealForRole } from '../../core/handlers/crypto.ts'
import { exportRoleIdentity } from '../../core/vault/export.ts'
import { withUnlockedPeer, type DataDirOptions } from '../context.ts'
import { readStdin, writeStdout } from '../io.ts'

function roleOption(value: string): Role {
  if (!isRole(value)) throw new BzzzError('invalid_input', `'${value}' is not a role; expected one of ${ROLES.join(', ')}`)
  return value
}

const ARMOR_HEADER = '-----BEGIN AGE ENCRYPTED FILE-----'

export function registerCrypto(program: Command): void {
  const crypto = program.command('crypto').description('encrypt and decrypt with the role keys (standard age)')
  crypto
    .command('encrypt')
    .description('encrypt standard input to a role and every role above it; writes age to standard output')
    .requiredOption('--role <role>', `audience: ${ROLES.join(', ')}`, roleOption)
    .option('-a, --armor', 'write ASCII-armored age')
    .action(async (opts: DataDirOptions & { role: Role; armor?: boolean }, cmd: Command) => {
      const all = { ...cmd.optsWithGlobals(), ...opts }
      const input = await readStdin()
      const sealed = await withUnlockedPeer(all, 'bzzz crypto encrypt', (peer) => sealForRole(peer, opts.role, input))
      await writeStdout(opts.armor ? armor.encode(sealed.bytes) : sealed.bytes)
    })
  crypto
    .command('decrypt')
    .description('decrypt age (binary or armored) from standard input with the keys you hold')
    .action(async (_opts: unknown, cmd: Command) => {
      const input = await readStdin()
      const text = utf8.decode(input.subarray(0, ARMOR_HEADER.length + 8)).trimStart()
      const bytes = text.startsWith(ARMOR_HEADER) ? armor.decode(utf8.decode(input)) : input
      const opened = await withUnlockedPeer(cmd.optsWithGlobals(), 'bzzz crypto decrypt', (peer) => openWithHeldKeys(peer, bytes))
      await writeStdout(opened.plaintext)
    })

  const keys = program.command('keys').description('role keys')
  keys
    .command('export')
    .description("print a role's age identity (admin only; for backup and other age tools)")
    .requiredOption('--role <role>', `${ROLES.join(', ')}`, roleOption)
    .action(async (opts: { role: Role }, cmd: Command) => {
      const text = await withUnlockedPeer(cmd.optsWithGlobals(), 'bzzz keys export', async (peer) => exportRoleIdentity(peer, opts.role))
      await writeStdout(text)
    })
}
