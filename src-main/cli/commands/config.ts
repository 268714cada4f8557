// bzzz config get [KEY] | set KEY VALUE. On a stopped peer they read and edit DIR/config.json (atomically, validated
// first); on a running peer they go through its API, which applies what it can at once and says what needs a restart.
import type { Command } from 'commander'
import { configSchema } from '../../../src-shared/config.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { getPath, parseCliValue, parseKey } from '../../core/config/keys.ts'
import { auditConfigChange, configPath, envOverridesIn, readConfigObject, setConfigOffline } from '../../core/config/manager.ts'
import type { ClientOptions } from '../client.ts'
import { withLocalPeer } from '../context.ts'
import { writeStdout } from '../io.ts'
import { targetOf } from '../target.ts'

const withClient = (cmd: Command) => cmd.option('--api <url>', 'peer API URL (instead of --data-dir)').option('--token-file <file>', 'API token file (with --api)')

function show(value: unknown, json: boolean | undefined): string {
  return typeof value === 'string' && !json ? `${value}\n` : `${JSON.stringify(value, null, 2)}\n`
}

function noteEnvironment(): void {
  const vars = envOverridesIn(process.env)
  if (vars.length > 0) process.stderr.write(`note: ${vars.join(', ')} ${vars.length === 1 ? 'is' : 'are'} set here; a peer started from this environment uses ${vars.length === 1 ? 'it' : 'them'} over config.json\n`)
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description("this peer's settings: DIR/config.json, BZZZ_* variables and flags (flags win)")

  withClient(config.command('get [key]'))
    .description('print the settings, or one (dotted KEY such as cache.entries): the running peer\'s, else config.json with defaults')
    .option('--json', 'print JSON even for a text value')
    .action(async (key: string | undefined, opts: ClientOptions & { json?: boolean }) => {
      const path = key === undefined ? undefined : parseKey(key)
      const target = await targetOf(opts)
      let settings: unknown
      if (target.kind === 'api') settings = await target.client.call('config.get', {})
      else {
        const r = configSchema.safeParse(await readConfigObject(target.dataDir))
        if (!r.success) throw new BzzzError('invalid_input', `${configPath(target.dataDir)} is invalid at ${r.error.issues[0]?.path.join('.') ?? '?'}: ${r.error.issues[0]?.message ?? ''}`)
        settings = r.data
        noteEnvironment()
      }
      await writeStdout(show(path === undefined ? settings : getPath(settings, path), opts.json))
    })

  withClient(config.command('set <key> <value>'))
    .description('change one setting; VALUE is JSON when it parses as JSON (500, true, ["/ip4/..."]), else text; null restores the default')
    .option('--json', 'print the result as JSON')
    .action(async (key: string, text: string, opts: ClientOptions & { json?: boolean }) => {
      const value = parseCliValue(text)
      const target = await targetOf(opts)
      if (target.kind === 'api') {
        const out = await target.client.call('config.set', { key, value })
        if (opts.json) return writeStdout(`${JSON.stringify(out, null, 2)}\n`)
        const now = JSON.stringify(getPath(out.config, out.key.split('.')))
        const when = out.overridden
          ? `written to config.json, but the running peer's environment or flags set ${out.key}; it stays ${now} until that override is gone`
          : out.restartRequired.length > 0
            ? `takes effect after the peer restarts (${out.restartRequired.join(', ')})`
            : 'applied now'
        return writeStdout(`${out.key} = ${out.overridden ? JSON.stringify(value) : now}: ${when}\n`)
      }
      const change = await withLocalPeer(opts, 'bzzz config set', async (peer) => {
        const c = await setConfigOffline(target.dataDir, key, value)
        await auditConfigChange(peer.audit, c, undefined, 'cli (peer stopped)')
        return c
      })
      if (opts.json) return writeStdout(`${JSON.stringify({ key: change.key, config: change.config, restartRequired: [], overridden: false }, null, 2)}\n`)
      await writeStdout(`${change.key} = ${JSON.stringify(getPath(change.config, change.key.split('.')))}: written to ${configPath(target.dataDir)}; takes effect when the peer starts\n`)
      noteEnvironment()
    })
}
