// bzzz election / bzzz custody: the admin seat and the admin-key shares, through the running peer.
import type { Command } from 'commander'
import type { CustodyStatus, ElectionStatus } from '../../../src-shared/governance.ts'
import { clientFor, type ClientOptions } from '../client.ts'
import { writeStdout } from '../io.ts'

function ago(at: number | undefined): string {
  if (at === undefined) return 'never'
  const s = Math.max(0, Math.round((Date.now() - at) / 1000))
  return s < 60 ? `${s}s ago` : `${Math.round(s / 60)}m ago`
}

export function formatElection(e: ElectionStatus): string {
  const lines = [`term ${e.term} · admin ${e.admin ?? '(none: an election is due)'} · this peer is ${e.self.replace('_', '-')}`, '', 'candidates (best first):']
  for (const c of e.candidates) lines.push(`  ${c.memberId.padEnd(18)} ${c.role.padEnd(12)} score ${c.score.toFixed(2)}${c.eligible ? '' : ' (votes only)'}`)
  lines.push('', 'peers:')
  for (const p of e.peers) lines.push(`  ${p.memberId.padEnd(18)} ${p.state.padEnd(14)} seen ${ago(p.lastSeen)}`)
  if (e.timeline.length > 0) {
    lines.push('', 'recent:')
    for (const t of e.timeline.slice(-10)) lines.push(`  ${new Date(t.at).toISOString().slice(11, 19)} term ${t.term} ${t.kind.replace(/_/g, ' ')}${t.memberId ? ` ${t.memberId}` : ''}${t.detail ? ` (${t.detail})` : ''}`)
  }
  return `${lines.join('\n')}\n`
}

export function formatCustody(c: CustodyStatus): string {
  const lines = [`shares: ${c.threshold} of ${c.custodians.length + (5 - c.custodians.length)} needed to rebuild the admin key · epoch ${c.epoch} · policy ${c.policy} · ${c.holdsShare ? 'this member holds a share' : 'this member holds no share'}`, '', 'custodians:']
  for (const x of c.custodians) lines.push(`  share ${x.shareIndex}: ${x.memberId}${x.online === undefined ? '' : x.online ? ' (online)' : ' (offline)'}`)
  if (c.pending.length > 0) {
    lines.push('', 'share requests:')
    for (const p of c.pending) lines.push(`  ${p.id}  ${p.state}  winner ${p.winner} of term ${p.term}, certified by ${p.certifiedBy.join(', ')}, expires ${new Date(p.expiresAt).toISOString()}`)
  }
  if (c.recovery !== undefined) {
    const r = c.recovery
    lines.push('', `recovery for term ${r.term}: ${r.received} of ${r.needed} shares, ${r.state}`)
    for (const b of r.badShares) lines.push(`  bad share from ${b.memberId}: ${b.reason}`)
  }
  return `${lines.join('\n')}\n`
}

export function registerGovernance(program: Command): void {
  const withClient = (cmd: Command) => cmd.option('--api <url>', 'peer API URL (instead of --data-dir)').option('--token-file <file>', 'API token file (with --api)').option('--json', 'print JSON')

  const election = program.command('election').description('the admin seat: term, admin, candidates and their scores, recent elections')
  withClient(election.command('status', { isDefault: true }))
    .description('show the election state')
    .action(async (opts: ClientOptions & { json?: boolean }) => {
      const e = await (await clientFor(opts)).call('election.status', {})
      await writeStdout(opts.json ? `${JSON.stringify(e, null, 2)}\n` : formatElection(e))
    })
  withClient(election.command('trigger'))
    .description('hand the admin seat over: this admin steps down and the best candidate is elected (admin only)')
    .action(async (opts: ClientOptions & { json?: boolean }) => {
      const out = await (await clientFor(opts)).call('election.trigger', {})
      await writeStdout(opts.json ? `${JSON.stringify(out)}\n` : `stepped down; an election for term ${out.term} is under way (bzzz election to follow it)\n`)
    })

  const custody = program.command('custody').description('who holds shares of the admin key; share requests after an election')
  withClient(custody.command('status', { isDefault: true }))
    .description('custodians, pending share requests, recovery progress')
    .action(async (opts: ClientOptions & { json?: boolean }) => {
      const c = await (await clientFor(opts)).call('custody.status', {})
      await writeStdout(opts.json ? `${JSON.stringify(c, null, 2)}\n` : formatCustody(c))
    })
  withClient(custody.command('approve <requestId>'))
    .description("release this custodian's share to the certified winner of the request")
    .action(async (requestId: string, opts: ClientOptions) => {
      await (await clientFor(opts)).call('custody.approve', { requestId })
      await writeStdout('share released to the certified winner\n')
    })
  withClient(custody.command('deny <requestId>'))
    .description('refuse a share request')
    .option('--reason <text>', 'why (goes to the audit log)')
    .action(async (requestId: string, opts: ClientOptions & { reason?: string }) => {
      await (await clientFor(opts)).call('custody.deny', { requestId, reason: opts.reason ?? '' })
      await writeStdout('share request refused\n')
    })
  withClient(custody.command('assign <members...>'))
    .description('choose the five custodians, in share order; re-splits the admin key (admin only)')
    .action(async (members: string[], opts: ClientOptions) => {
      const out = await (await clientFor(opts)).call('custody.assign', { members })
      await writeStdout(`admin key re-split among ${members.join(', ')}; custody epoch ${out.epoch}\n`)
    })
}
