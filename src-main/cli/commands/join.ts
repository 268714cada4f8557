// bzzz join CODE: become a member with an invite code (creates this member's identity in the data directory).
import type { Command } from 'commander'
import { userInfo } from 'node:os'
import { dataDirOf, localCall, withLocalPeer, type DataDirOptions } from '../context.ts'
import { readPassphrase } from '../passphrase.ts'

export function registerJoin(program: Command): void {
  program
    .command('join <code>')
    .description('join a network with an invite code from its admin (the admin peer must be running)')
    .option('--name <member>', 'your member name (used in UCXL addresses)', userInfo().username.toLowerCase().replace(/[^a-z0-9._-]/g, '-'))
    .action(async (code: string, opts: DataDirOptions & { name: string }) => {
      const passphrase = await readPassphrase(opts, { confirm: true })
      const status = await withLocalPeer(opts, 'bzzz join', (peer) => localCall(peer, 'network.join', { invite: code, memberName: opts.name, passphrase }))
      const m = status.member
      process.stdout.write(`Joined '${m?.networkName}' (${m?.networkId}) as '${m?.id}', ${m?.role}.\nNext: start your peer with 'bzzz peer --data-dir ${dataDirOf(opts)}'.\n`)
    })
}
