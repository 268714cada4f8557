// bzzz init: create a new network with this member as its first admin.
import type { Command } from 'commander'
import { userInfo } from 'node:os'
import { segmentProblem } from '../../../src-shared/ucxl.ts'
import { dataDirOf, localCall, withLocalPeer, type DataDirOptions } from '../context.ts'
import { readPassphrase } from '../passphrase.ts'

function defaultName(): string {
  const name = userInfo().username.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '')
  return segmentProblem(name) === undefined ? name : 'admin'
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a new network: you become its admin; role keys and the admin key (split 3-of-5) are generated')
    .option('--network <name>', 'network name', 'team')
    .option('--name <member>', 'your member name (used in UCXL addresses)', defaultName())
    .action(async (opts: DataDirOptions & { network: string; name: string }) => {
      const passphrase = await readPassphrase(opts, { confirm: true })
      const status = await withLocalPeer(opts, 'bzzz init', (peer) =>
        localCall(peer, 'network.create', { networkName: opts.network, memberName: opts.name, passphrase }),
      )
      const m = status.member
      process.stdout.write(
        [
          `Created network '${m?.networkName}' (${m?.networkId}) in ${dataDirOf(opts)}`,
          `You are '${m?.id}', admin. The admin key is split 3-of-5; you hold share 1 and the next four members to join receive the others.`,
          `Next: start your peer with 'bzzz peer --data-dir ${dataDirOf(opts)}', then invite members with 'bzzz invite --role architect'.`,
          '',
        ].join('\n'),
      )
    })
}
