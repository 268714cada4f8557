// An ordered, idempotent shutdown: each step runs after the previous one settled, a failing or hanging step is logged
// and does not stop the ones after it, and the whole is bounded so Quit always ends the process.
// The desktop's order (shell.ts): stop taking IPC calls and forwarding events, let calls in flight finish (a publish
// is acknowledged only once it is on disk), stop supervising the network, close the peer (network stopped, vault
// locked and its key wiped, store closed, directory lock released), remove the tray, exit.

export interface ShutdownStep {
  name: string
  run: () => unknown
  /** How long this step may take before the next one runs anyway (ms). */
  timeoutMs?: number
}

export type ShutdownLog = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void

const DEFAULT_STEP_TIMEOUT_MS = 10_000

/** Returns the shutdown function: the first call runs the steps, later calls return the same promise. */
export function createShutdown(steps: ShutdownStep[], log: ShutdownLog): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => {
    running ??= (async () => {
      for (const step of steps) {
        const started = Date.now()
        const outcome = await settleWithin(step, step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS)
        if (outcome.kind === 'failed') log('error', `shutdown: ${step.name} failed`, { error: outcome.error })
        else if (outcome.kind === 'timeout') log('warn', `shutdown: ${step.name} did not finish in time; going on`, { timeoutMs: step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS })
        else log('info', `shutdown: ${step.name}`, { ms: Date.now() - started })
      }
    })()
    return running
  }
}

type Outcome = { kind: 'done' } | { kind: 'failed'; error: string } | { kind: 'timeout' }

async function settleWithin(step: ShutdownStep, timeoutMs: number): Promise<Outcome> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs)
  })
  const work = (async (): Promise<Outcome> => {
    try {
      await step.run()
      return { kind: 'done' }
    } catch (err) {
      return { kind: 'failed', error: err instanceof Error ? err.message : String(err) }
    }
  })()
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}
