// Keeps the route in the address bar where there is one worth keeping (http: the peer serves index.html for app
// routes); in Electron (file:) the route stays in memory.
import { useEffect } from 'react'
import { pathToRoute, routeToPath, sameRoute } from '../state/route.ts'
import { useUi } from '../state/ui-store.ts'

export function useRouteSync(): void {
  useEffect(() => {
    if (!/^https?:$/.test(window.location.protocol)) return
    const { navigate } = useUi.getState()
    const fromUrl = pathToRoute(window.location.pathname)
    if (window.location.pathname !== '/' && !sameRoute(fromUrl, useUi.getState().route)) navigate(fromUrl)
    else if (window.location.pathname === '/') window.history.replaceState(null, '', routeToPath(useUi.getState().route))
    const onPop = () => navigate(pathToRoute(window.location.pathname))
    window.addEventListener('popstate', onPop)
    const unsub = useUi.subscribe((s, prev) => {
      if (s.route === prev.route) return
      const path = routeToPath(s.route)
      if (path !== window.location.pathname) window.history.pushState(null, '', path)
    })
    return () => {
      window.removeEventListener('popstate', onPop)
      unsub()
    }
  }, [])
}
