// The theme as a data attribute on <html> (CSS variables do the rest; nothing inline).
import { useEffect } from 'react'
import { useUi } from '../state/ui-store.ts'

export function useTheme(): void {
  const theme = useUi((s) => s.theme)
  useEffect(() => {
    const root = document.documentElement
    if (theme !== 'system') {
      root.dataset.theme = theme
      return
    }
    const mq = window.matchMedia?.('(prefers-color-scheme: dark)')
    const apply = () => {
      root.dataset.theme = mq?.matches === true ? 'dark' : 'light'
    }
    apply()
    mq?.addEventListener('change', apply)
    return () => mq?.removeEventListener('change', apply)
  }, [theme])
}
