// Client commands of a running peer: publish, get, ls, peers, invite, member remove.
import type { Command } from 'commander'
import { readFile } from 'node:fs/promises'
import { DECISION_STATUSES, type Decision, type DecisionListItem, type PublishInput } from '../../../src-shared/decisions.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { DECISION_TYPES, ROLES } from '../../../src-shared/roles.ts'
import { clientFor, type ClientOptions } from '../client.ts'
import { readStdin, writeStdout } from '../io.ts'

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function oneOf<T extends string>(name: string, values: readonly T[]) {
  return (value: string): T => {
    if (!(values as readonly string[]).includes(value)) throw new BzzzError('invalid_input', `${name} '${value}' is not one of ${values.join(', ')}`)
    return value as T
  }
}

async function printJsonOr(opts: { json?: boolean }, data: unknown, human: () => string): Promise<void> {
  await writeStdout(opts.json ? `${JSON.stringify(data, null, 2)}\n` : human())
}

function formatDecision(d: Decision): string {
  const h = d.header
  const lines = [
    `# ${d.content.title}`,
    '',
    `${h.address}`,
    `${h.type} · ${d.content.status} · for ${h.audience} and above · by ${h.author} (${h.authorRole}) · ${new Date(h.createdAt).toISOString()} · signature verified (${d.signature.keyId})`,
  ]
  if (d.content.tags.length > 0) lines.push(`tags: ${d.content.tags.join(', ')}`)
  if (h.supersedes !== undefined) lines.push(`supersedes ${h.supersedes}`)
  for (const s of d.supersededBy) lines.push(`SUPERSEDED BY ${s}`)
  for (const l of d.content.links.filter((x) => x.kind !== 'supersedes')) lines.push(`${l.kind.replace('_', ' ')} ${l.address}`)
  if (d.content.context) lines.push('', '## Context', '', d.content.context)
  lines.push('', d.content.context || d.content.consequences ? '## Decision' : '', d.content.body)
  if (d.content.consequences) lines.push('', '## Consequences', '', d.content.consequences)
  if (d.content.code) lines.push('', `files: ${d.content.code.files_modified.length}, tests passed ${d.content.code.test_results?.passed ?? '?'} failed ${d.content.code.test_results?.failed ?? '?'}, success ${d.content.code.success ?? '?'}`)
  return `${lines.join('\n')}\n`
}

function formatItem(i: DecisionListItem): string {
  const when = new Date(i.header.createdAt).toISOString().slice(0, 16).replace('T', ' ')
  const what = i.locked ? `[locked: ${i.reason === 'role' ? `readable by ${i.readableBy.join(', ')}` : i.reason === 'no_key' ? 'sealed with a key you do not hold' : 'not fetched yet'}]` : `${i.title} (${i.status})`
  const superseded = i.supersededBy.length > 0 ? ' [superseded]' : ''
  return `${when}  ${i.header.type.padEnd(13)} ${what}${superseded}\n                  ${i.header.address}\n`
}

export function registerRemote(program: Command): void {
  const withClient = (cmd: Command) => cmd.option('--api <url>', 'peer API URL (instead of --data-dir)').option('--token-file <file>', 'API token file (with --api)')

  withClient(program.command('publish'))
    .description('publish a decision through the running peer')
    .option('--type <type>', DECISION_TYPES.join(', '), oneOf('type', DECISION_TYPES), 'decision')
    .option('--title <title>', 'title')
    .option('--body <markdown>', 'body text (Markdown)')
    .option('--body-file <file>', 'read the body from a file (- for standard input)')
    .option('--audience <role>', `lowest role that may read it: ${ROLES.join(', ')}`, oneOf('audience', ROLES))
    .option('--project <project>', 'project (UCXL segment)')
    .option('--task <task>', 'task (UCXL segment)')
    .option('--status <status>', DECISION_STATUSES.join(', '), oneOf('status', DECISION_STATUSES))
    .option('--tag <tag>', 'tag (repeatable)', collect)
    .option('--supersedes <address>', 'the earlier version this one replaces')
    .option('--relates-to <address>', 'a related decision (repeatable)', collect)
    .option('--json-input', 'read the whole publish request as JSON from standard input')
    .option('--json', 'print the result as JSON')
    .action(async (opts: ClientOptions & Record<string, unknown>) => {
      let input: PublishInput
      if (opts.jsonInput) {
        try {
          input = JSON.parse(new TextDecoder().decode(await readStdin())) as PublishInput
        } catch {
          throw new BzzzError('invalid_input', 'standard input is not a JSON publish request')
        }
      } else {
        const missing = ['title', 'audience', 'project', 'task'].filter((k) => opts[k] === undefined)
        if (missing.length > 0) throw new BzzzError('invalid_input', `missing ${missing.map((m) => `--${m}`).join(', ')}`)
        const bodyFile = opts.bodyFile as string | undefined
        const body = bodyFile === undefined ? ((opts.body as string | undefined) ?? '') : bodyFile === '-' ? new TextDecoder().decode(await readStdin()) : await readFile(bodyFile, 'utf8')
        input = {
          type: opts.type as PublishInput['type'],
          title: opts.title as string,
          body,
          audience: opts.audience as PublishInput['audience'],
          project: opts.project as string,
          task: opts.task as string,
          ...(opts.status === undefined ? {} : { status: opts.status as PublishInput['status'] }),
          tags: (opts.tag as string[] | undefined) ?? [],
          links: [
            ...(opts.supersedes === undefined ? [] : [{ kind: 'supersedes' as const, address: opts.supersedes as string }]),
            ...((opts.relatesTo as string[] | undefined) ?? []).map((address) => ({ kind: 'relates_to' as const, address })),
          ],
        }
      }
      const out = await (await clientFor(opts)).call('decisions.publish', input)
      await printJsonOr(opts as { json?: boolean }, out, () => `${out.address}\nstored on ${out.replicas} peer${out.replicas === 1 ? '' : 's'} besides this one\n`)
    })

  withClient(program.command('get <address>'))
    .description('read one decision, decrypted, with its signature checked')
    .option('--json', 'print JSON')
    .action(async (address: string, opts: ClientOptions & { json?: boolean }) => {
      const d = await (await clientFor(opts)).call('decisions.get', { address })
      await printJsonOr(opts, d, () => formatDecision(d))
    })

  withClient(program.command('ls [pattern]'))
    .description("list decisions, newest first; PATTERN is a UCXL pattern with '*' (one segment) and '**' (any)")
    .option('--type <type>', DECISION_TYPES.join(', '), oneOf('type', DECISION_TYPES))
    .option('--status <status>', DECISION_STATUSES.join(', '), oneOf('status', DECISION_STATUSES))
    .option('--tag <tag>', 'only with this tag')
    .option('-q, --query <text>', 'full-text search over what you can read')
    .option('--limit <n>', 'at most N (default 100)', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (pattern: string | undefined, opts: ClientOptions & { type?: string; status?: string; tag?: string; query?: string; limit?: number; json?: boolean }) => {
      const out = await (await clientFor(opts)).call('decisions.list', {
        ...(pattern === undefined ? {} : { pattern }),
        ...(opts.type === undefined ? {} : { type: opts.type as never }),
        ...(opts.status === undefined ? {} : { status: opts.status as never }),
        ...(opts.tag === undefined ? {} : { tag: opts.tag }),
        ...(opts.query === undefined ? {} : { q: opts.query }),
        ...(opts.limit === undefined ? {} : { limit: opts.limit }),
      })
      await printJsonOr(opts, out, () => (out.items.length === 0 ? 'no decisions match\n' : out.items.map(formatItem).join('') + (out.total > out.items.length ? `(${out.items.length} of ${out.total}; use --limit)\n` : '')))
    })

  withClient(program.command('peers'))
    .description('peers this node is connected to')
    .option('--json', 'print JSON')
    .action(async (opts: ClientOptions & { json?: boolean }) => {
      const out = await (await clientFor(opts)).call('peers.list', {})
      await printJsonOr(opts, out, () =>
        out.peers.length === 0 ? 'no peers connected\n' : out.peers.map((p) => `${(p.name ?? '?').padEnd(16)} ${(p.role ?? '').padEnd(12)} ${p.isAdmin ? 'admin ' : ''}${p.relayed ? 'relayed ' : ''}${p.latencyMs === undefined ? '' : `${p.latencyMs} ms `}${p.peerId}\n`).join(''),
      )
    })

  withClient(program.command('invite'))
    .description('create a one-time invite code (admin)')
    .requiredOption('--role <role>', 'observer, backend_dev or architect', oneOf('role', ['observer', 'backend_dev', 'architect'] as const))
    .option('--ttl <hours>', 'hours the invite stays valid (default 24)', (v) => Number(v))
    .option('--json', 'print JSON')
    .action(async (opts: ClientOptions & { role: 'observer' | 'backend_dev' | 'architect'; ttl?: number; json?: boolean }) => {
      const out = await (await clientFor(opts)).call('members.invite', { role: opts.role, ...(opts.ttl === undefined ? {} : { ttlSeconds: Math.round(opts.ttl * 3600) }) })
      await printJsonOr(opts, out, () => `${out.code}\n`)
      if (!opts.json) process.stderr.write(`one-time invite for a ${out.role}, valid until ${new Date(out.expiresAt).toISOString()}; the new member runs: bzzz join CODE --data-dir DIR --name NAME\n`)
    })

  const member = program.command('member').description('members of the network')
  withClient(member.command('remove <memberId>'))
    .description("remove a member and rotate its role's key (admin)")
    .action(async (memberId: string, opts: ClientOptions) => {
      const out = await (await clientFor(opts)).call('members.remove', { memberId })
      await writeStdout(`removed ${memberId}; roster is now at version ${out.seq}; the ${out.rotatedRole} key was rotated\n`)
    })
}
