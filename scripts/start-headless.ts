// npm start without the Electron binary: the headless peer serving the UI to a browser.
//
// - Builds the UI when it is missing or stale.
// - Runs the peer on BZZZ_DATA_DIR (default ~/.bzzz). On a first run there is no vault: the peer serves the API and
//   the UI only, and the browser leads into onboarding (create or join); the peer starts its network by itself then.
// - With a vault, the peer starts LOCKED (like `bzzz peer --locked`): it serves the network, and the browser's unlock
//   screen asks for the passphrase (vault.unlock). Nothing is typed into this terminal.
// - The API listens on 127.0.0.1:7450 unless the configuration says otherwise (BZZZ_API_PORT, config.json), or on a
//   free port when 7450 is taken. The printed link carries the API token in its #fragment, which the browser never
//   sends to a server and the page removes from the address bar.
import type { ConfigInput } from '../src-shared/config.ts'
import { dataDirOf } from '../src-main/cli/context.ts'
import { startHeadlessPeer, type HeadlessPeer } from '../src-main/cli/headless-peer.ts'
import { loadConfig } from '../src-main/core/config/manager.ts'
import type { Logger } from '../src-main/core/peer.ts'
import { ensureUiBuilt } from './ui-build.ts'

const DEFAULT_PORT = 7450

/** Human-readable log lines for a terminal: warnings and errors, and the events a person cares about. */
const logger: Logger = (level, message, fields) => {
  if (level === 'debug') return
  if (level === 'info' && !['peer started', 'peer stopped', 'peer.joined', 'peer.left', 'election.leader', 'custody.keyRecovered', 'member.added'].includes(message)) return
  const detail = fields === undefined ? '' : Object.entries(fields).filter(([k]) => !['time', 'addrs'].includes(k)).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
  const line = `${new Date().toLocaleTimeString()} ${level === 'info' ? '' : `${level.toUpperCase()} `}${message}${detail === '' ? '' : ` (${detail})`}`
  ;(level === 'error' || level === 'warn' ? console.error : console.log)(line)
}

async function start(dataDir: string, overrides: ConfigInput): Promise<HeadlessPeer> {
  return startHeadlessPeer({ dataDir, overrides, env: process.env, logger })
}

export async function startHeadless(): Promise<void> {
  ensureUiBuilt()
  const dataDir = dataDirOf({})
  const { config } = await loadConfig({ dataDir, env: process.env, flags: {} })
  const fixedPort = config.api.port === 0 ? { api: { host: config.api.host, port: DEFAULT_PORT } } : {}
  let running: HeadlessPeer
  try {
    running = await start(dataDir, fixedPort)
  } catch (err) {
    // 7450 taken (another peer, another program): any free port will do.
    if (config.api.port !== 0 || !(err instanceof Error) || !/in use/.test(err.message)) throw err
    running = await start(dataDir, {})
  }
  const status = running.peer.status()
  const link = `${running.api.url}/#token=${running.token}`
  console.log('')
  console.log('BZZZ is running headless (no Electron binary on this machine): open the app in a browser.')
  console.log('')
  console.log(`  Open   ${link}`)
  console.log('')
  console.log(`  Data   ${dataDir}`)
  console.log(
    status.vault === 'absent'
      ? '  First run: create a network or join one with an invite, in the browser.'
      : '  The vault is locked: unlock it in the browser (the peer serves the network meanwhile).',
  )
  console.log('  The link holds this peer\'s API token: keep it to yourself. Stop with Ctrl+C.')
  console.log('')
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`\n${signal}: stopping the peer…`)
      void running.stop().then(resolve)
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}
