// An error where it happened, with a way out (retry, or what to do instead).
import type { ReactNode } from 'react'
import { CallError, errorMessage } from '../api/client.tsx'
import { Icon } from './Icon.tsx'

const HINTS: Partial<Record<string, string>> = {
  unavailable: 'The peer is unreachable or busy. It retries by itself; you can also retry now.',
  locked: 'The vault is locked. Unlock it to continue.',
  forbidden: 'Your role does not allow this.',
  rate_limited: 'Too many requests; wait a moment.',
}

export function ErrorNotice({ error, onRetry, title, children }: { error: unknown; onRetry?: () => void; title?: string; children?: ReactNode }) {
  const code = error instanceof CallError ? error.code : undefined
  const hint = code === undefined ? undefined : HINTS[code]
  return (
    <div className="error-notice" role="alert">
      <Icon name="alert" />
      <div className="error-notice-text">
        <strong>{title ?? 'That did not work'}</strong>
        <p>{errorMessage(error)}</p>
        {hint !== undefined && <p className="muted">{hint}</p>}
        {children}
      </div>
      {onRetry !== undefined && (
        <button type="button" className="btn" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  )
}
