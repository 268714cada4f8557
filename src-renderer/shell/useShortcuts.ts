// Global keys: '/' focuses the decision search (from any screen). List keys (j/k, arrows, Enter) live on the list.
import { useEffect } from 'react'
import { useUi } from '../state/ui-store.ts'

export const SEARCH_INPUT_ID = 'decision-search'

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target)) return
      e.preventDefault()
      const { route, navigate } = useUi.getState()
      if (route.screen !== 'decisions') navigate({ screen: 'decisions' })
      // The screen may have to mount first.
      requestAnimationFrame(() => document.getElementById(SEARCH_INPUT_ID)?.focus())
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
