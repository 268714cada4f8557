// IPC generated from the call tables: one `ipcMain.handle` per contract call and per desktop call, on the channel
// `bzzz:call:<name>`. Every handler first checks the sender (our own window's main frame, loaded from our own
// origin), then the call: a contract call goes through `dispatch` (schema validation, access check, core handler,
// Result), a desktop call through `dispatchDesktop` (schema validation, shell handler, Result). Nothing else is
// registered, so a name outside the tables has no handler at all. Events go to the window through the event filter.
// No value import from 'electron': main.ts passes ipcMain in, tests pass a fake.
import { CALL_NAMES, isCallName } from '../../src-shared/contract/calls.ts'
import { callChannel, IPC_CHANNELS, type BridgeMessage } from '../../src-shared/contract/bridge.ts'
import { DESKTOP_CALL_NAMES, desktopCalls, isDesktopCallName, type DesktopCallArgs, type DesktopCallName, type DesktopCallOutput } from '../../src-shared/contract/desktop.ts'
import { fail, toErrorBody, type Result } from '../../src-shared/errors.ts'
import { describeIssues, dispatch } from '../api/dispatch.ts'
import { filterEventFor } from '../api/event-filter.ts'
import type { Logger, Peer } from '../core/peer.ts'

export interface FrameLike {
  readonly url: string
  readonly parent: unknown
  readonly frameTreeNodeId: number
}

export interface InvokeEventLike {
  readonly sender: { readonly id: number; readonly mainFrame: FrameLike }
  readonly senderFrame: FrameLike | null
}

export type InvokeListener = (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>

export interface IpcMainLike {
  handle(channel: string, listener: InvokeListener): void
  removeHandler(channel: string): void
}

/** The one window allowed to call: its webContents id and the origin its page must come from. */
export interface TrustedWindow {
  webContentsId: number
  /** 'bzzz://app' in the packaged app; the dev server's origin under `electron-vite dev`. */
  origin: string
}

export type DesktopHandlers = { [N in DesktopCallName]: (args: DesktopCallArgs<N>) => Promise<DesktopCallOutput<N>> }

export interface IpcDeps {
  /** Resolves once the peer has been opened (or failed to open): contract calls wait for it instead of failing. */
  ready?(): Promise<void>
  /** The peer, or undefined when it could not be opened (then `startupError` says why). */
  peer(): Peer | undefined
  startupError(): string | undefined
  trusted(): TrustedWindow | undefined
  desktop: DesktopHandlers
  log: Logger
}

/** Every channel the main process handles: exactly one per call in the two tables. */
export const IPC_CALL_NAMES: readonly string[] = [...CALL_NAMES, ...DESKTOP_CALL_NAMES]

/** `scheme://host` of a URL (the WHATWG origin is 'null' for custom schemes), or undefined. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url)
    return u.host === '' ? undefined : `${u.protocol}//${u.host}`
  } catch {
    return undefined
  }
}

/** Why the sender is refused, or undefined when it is our window's main frame showing our page. */
export function senderRefusal(event: InvokeEventLike, trusted: TrustedWindow | undefined): string | undefined {
  if (trusted === undefined) return 'no window is open'
  if (event.sender.id !== trusted.webContentsId) return 'not our window'
  const frame = event.senderFrame
  if (frame === null) return 'the sending frame is gone'
  if (frame.parent !== null || frame.frameTreeNodeId !== event.sender.mainFrame.frameTreeNodeId) return 'not the main frame'
  if (originOf(frame.url) !== trusted.origin) return 'not our page'
  return undefined
}

export async function dispatchDesktop(name: DesktopCallName, raw: unknown, handlers: DesktopHandlers): Promise<Result<unknown>> {
  const parsed = desktopCalls[name].input.safeParse(raw ?? {})
  if (!parsed.success) return fail('invalid_input', `${name}: ${describeIssues(parsed.error)}`)
  try {
    const handler = handlers[name] as (args: unknown) => Promise<unknown>
    return { ok: true, data: await handler(parsed.data) }
  } catch (err) {
    return { ok: false, error: toErrorBody(err) }
  }
}

/** One call, after the sender check: the explicit "is this a call of ours", then dispatch with schema validation. */
export async function handleCall(name: string, args: unknown, deps: IpcDeps): Promise<Result<unknown>> {
  if (isCallName(name)) {
    await deps.ready?.()
    const peer = deps.peer()
    if (peer === undefined) return fail('unavailable', deps.startupError() ?? 'the peer is still starting')
    return dispatch(name, args, { peer, transport: 'ipc' }, { onInternalError: (call, err) => deps.log('error', 'ipc call failed', { call, error: err instanceof Error ? err.message : String(err) }) })
  }
  if (isDesktopCallName(name)) return dispatchDesktop(name, args, deps.desktop)
  return fail('not_found', `unknown call '${name.slice(0, 60)}'`)
}

export interface IpcRegistration {
  /** Removes every handler: later calls are refused by Electron ("no handler"). */
  dispose(): void
  /** Resolves when the calls in flight have finished, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>
  inFlight(): number
}

export function registerIpc(ipcMain: IpcMainLike, deps: IpcDeps): IpcRegistration {
  const pending = new Set<Promise<unknown>>()
  let disposed = false
  for (const name of IPC_CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event, ...rest) => {
      const refusal = senderRefusal(event, deps.trusted())
      if (refusal !== undefined) {
        deps.log('warn', 'ipc call refused', { call: name, reason: refusal, url: event.senderFrame?.url.slice(0, 200) })
        return fail('forbidden', `IPC from an unknown window or frame is refused (${refusal})`)
      }
      if (disposed) return fail('unavailable', 'BZZZ is shutting down')
      if (rest.length > 1) return fail('invalid_input', `${name}: expected one argument object, got ${rest.length}`)
      const work = handleCall(name, rest[0], deps).catch((err: unknown): Result<unknown> => ({ ok: false, error: toErrorBody(err) }))
      pending.add(work)
      try {
        return await work
      } finally {
        pending.delete(work)
      }
    })
  }
  return {
    dispose: () => {
      disposed = true
      for (const name of IPC_CALL_NAMES) ipcMain.removeHandler(callChannel(name))
    },
    drain: async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs
      while (pending.size > 0 && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())))])
      }
    },
    inFlight: () => pending.size,
  }
}

/** Sends the peer's events (as the member may see them) to the window; returns the unsubscribe function. */
export function forwardEvents(peer: Peer, send: (message: BridgeMessage) => void): () => void {
  return peer.events.subscribe((message) => {
    // The same rule as every other event stream: only node.status while locked, titles only of readable decisions.
    const visible = filterEventFor(peer, message)
    if (visible !== undefined) send(visible)
  })
}

export { IPC_CHANNELS }
