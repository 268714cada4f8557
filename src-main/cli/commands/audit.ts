// bzzz audit verify | ls: the hash-chained audit log, on a stopped peer (its store opened here; the log is not
// encrypted, so no passphrase) or through the API of a running one (architects and the admin).
import type { Command } from 'commander'
import { calls } from '../../../src-shared/contract/calls.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import type { AuditEntry } from '../../../src-shared/governance.ts'
import { describeIssues } from '../../api/dispatch.ts'
import type { ClientOptions } from '../client.ts'
import { withLocalPeer } from '../context.ts'
import { writeStdout } from '../io.ts'
import { targetOf } from '../target.ts'

const withClient = (cmd: Command) => cmd.option('--api <url>', 'peer API URL (instead of --data-dir)').option('--token-file <file>', 'API token file (with --api)')

function integer(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new BzzzError('invalid_input', `${name} expects a whole number, not '${value}'`)
    return Number(value)
  }
}

function formatDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')
}

export function formatAuditEntry(e: AuditEntry): string {
  return `${String(e.seq).padStart(5)}  ${new Date(e.at).toISOString().replace('T', ' ').slice(0, 19)}  ${e.kind.padEnd(19)} ${(e.actor ?? '-').padEnd(12)} ${formatDetail(e.detail)}\n`
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log of security-relevant acts (works on a stopped peer too)')

  withClient(audit.command('verify'))
    .description('check the audit chain; names the first broken entry and exits with 1 when the chain is broken')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ClientOptions & { json?: boolean }) => {
      const target = await targetOf(opts)
      const result = target.kind === 'api' ? await target.client.call('audit.verify', {}) : await withLocalPeer(opts, 'bzzz audit verify', (peer) => peer.audit.verify())
      if (opts.json) await writeStdout(`${JSON.stringify(result, null, 2)}\n`)
      if (result.ok) {
        if (!opts.json) await writeStdout(`audit chain intact: ${result.entries} entr${result.entries === 1 ? 'y' : 'ies'}\n`)
        return
      }
      process.stderr.write(`bzzz: the audit chain is broken at entry ${result.firstBroken ?? '?'}: ${result.reason ?? 'unknown reason'} (the ${result.entries} entries before it verify)\n`)
      process.exitCode = 1
    })

  withClient(audit.command('ls'))
    .description('list audit entries, oldest first: the newest N (--limit), or page forward with --after SEQ')
    .option('--limit <n>', 'at most N entries (default 50, at most 1000)', integer('--limit'))
    .option('--after <seq>', 'entries after SEQ, from the oldest on (paging)', integer('--after'))
    .option('--json', 'print JSON')
    .action(async (opts: ClientOptions & { limit?: number; after?: number; json?: boolean }) => {
      const parsed = calls['audit.list'].input.safeParse({ limit: opts.limit ?? 50, ...(opts.after === undefined ? { newest: true } : { after: opts.after }) })
      if (!parsed.success) throw new BzzzError('invalid_input', describeIssues(parsed.error))
      const input = parsed.data
      const target = await targetOf(opts)
      const out =
        target.kind === 'api'
          ? await target.client.call('audit.list', input)
          : { entries: await withLocalPeer(opts, 'bzzz audit ls', (peer) => peer.audit.list(input.after ?? -1, input.limit, input.newest ?? false)) }
      if (opts.json) await writeStdout(`${JSON.stringify(out, null, 2)}\n`)
      else await writeStdout(out.entries.length === 0 ? 'no audit entries\n' : out.entries.map(formatAuditEntry).join(''))
    })
}
