// The token from the link's fragment: stored for the tab, removed from the address bar, never from the query.
import { describe, expect, it, vi } from 'vitest'
import { forgetToken, takeToken, TOKEN_KEY } from './token.ts'

function env(hash: string, stored?: string) {
  const store = new Map<string, string>(stored === undefined ? [] : [[TOKEN_KEY, stored]])
  const replaceState = vi.fn()
  return {
    store,
    replaceState,
    env: {
      location: { hash, pathname: '/decisions', search: '' },
      history: { replaceState },
      storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) },
    },
  }
}

describe('takeToken', () => {
  it('takes #token=..., stores it and strips it from the URL', () => {
    const e = env('#token=abc123')
    expect(takeToken(e.env)).toBe('abc123')
    expect(e.store.get(TOKEN_KEY)).toBe('abc123')
    expect(e.replaceState).toHaveBeenCalledWith(null, '', '/decisions')
  })

  it('keeps other fragment parameters', () => {
    const e = env('#token=abc&x=1')
    expect(takeToken(e.env)).toBe('abc')
    expect(e.replaceState).toHaveBeenCalledWith(null, '', '/decisions#x=1')
  })

  it('falls back to the stored token, and to nothing', () => {
    expect(takeToken(env('', 'kept').env)).toBe('kept')
    expect(takeToken(env('').env)).toBeUndefined()
    expect(takeToken(env('#token=').env)).toBeUndefined()
  })

  it('forgets', () => {
    const e = env('', 'kept')
    forgetToken(e.env.storage)
    expect(e.store.size).toBe(0)
  })
})
