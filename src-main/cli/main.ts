#!/usr/bin/env node
// bzzz: the command line. Local commands open the data directory in this process; client commands talk to a
// running peer through its API. Every failure is one line on stderr and a non-zero exit.
import { Command, CommanderError } from 'commander'
import { VERSION } from '../core/version.ts'
import { registerAudit } from './commands/audit.ts'
import { registerBackup } from './commands/backup.ts'
import { registerConfig } from './commands/config.ts'
import { registerCrypto } from './commands/crypto.ts'
import { registerDebug } from './commands/debug.ts'
import { registerGovernance } from './commands/governance.ts'
import { registerInit } from './commands/init.ts'
import { registerJoin } from './commands/join.ts'
import { registerMcp } from './commands/mcp.ts'
import { registerPeer } from './commands/peer.ts'
import { registerRemote } from './commands/remote.ts'
import { EXIT_CODES, reportAndExit } from './errors.ts'

export function buildProgram(): Command {
  const program = new Command('bzzz')
    .description('BZZZ: a peer-to-peer, end-to-end encrypted log of architectural decisions')
    .version(VERSION)
    .option('--data-dir <dir>', 'data directory (default: $BZZZ_DATA_DIR or ~/.bzzz)')
    .option('--passphrase-file <file>', 'read the vault passphrase from the first line of FILE (else $BZZZ_PASSPHRASE, else a prompt)')
    .showHelpAfterError('(run bzzz --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`bzzz: ${text.replace(/^error: /, '').trimEnd()}\n`) })
  program.hook('preAction', (_root, action) => {
    // Global options are accepted before or after the subcommand.
    Object.assign(action.opts(), { ...program.opts(), ...action.opts() })
  })
  registerInit(program)
  registerJoin(program)
  registerPeer(program)
  registerRemote(program)
  registerMcp(program)
  registerCrypto(program)
  registerBackup(program)
  registerAudit(program)
  registerConfig(program)
  registerDebug(program)
  registerGovernance(program)
  return program
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv)
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : EXIT_CODES.invalid_input)
    reportAndExit(err)
  }
}

await main()
