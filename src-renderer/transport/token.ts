// The API token in a plain browser. The peer prints a link `http://127.0.0.1:PORT/#token=...`: the fragment is never
// sent to a server, so the token does not end up in access logs or Referer headers. The page moves it into
// sessionStorage (gone when the tab closes) and removes it from the address bar and the history entry.

export const TOKEN_KEY = 'bzzz.apiToken'

export interface TokenEnv {
  location: { hash: string; pathname: string; search: string }
  history: { replaceState(data: unknown, unused: string, url?: string): void }
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
}

/** Reads `#token=...` (also `#/...&token=...`), stores it, strips it from the URL; else the stored token. */
export function takeToken(env: TokenEnv): string | undefined {
  const hash = env.location.hash.replace(/^#/, '')
  if (hash !== '') {
    const params = new URLSearchParams(hash.includes('=') ? hash.replace(/^\/?/, '') : '')
    const token = params.get('token')
    if (token !== null && token.trim() !== '') {
      try {
        env.storage.setItem(TOKEN_KEY, token.trim())
      } catch {
        // storage disabled: the token still works for this page load
      }
      params.delete('token')
      const rest = params.toString()
      env.history.replaceState(null, '', `${env.location.pathname}${env.location.search}${rest === '' ? '' : `#${rest}`}`)
      return token.trim()
    }
  }
  try {
    return env.storage.getItem(TOKEN_KEY) ?? undefined
  } catch {
    return undefined
  }
}

export function forgetToken(storage: Pick<Storage, 'removeItem'>): void {
  try {
    storage.removeItem(TOKEN_KEY)
  } catch {
    // nothing stored
  }
}
