// Screens and their URLs. In a browser served by the peer the route lives in the path (the peer answers index.html
// for app routes); in Electron (file://) it lives in memory only.

export const SCREENS = ['decisions', 'publish', 'peers', 'elections', 'custody', 'settings'] as const
export type Screen = (typeof SCREENS)[number]

export type Route =
  | { screen: 'decisions'; address?: string }
  | { screen: 'publish'; supersedes?: string }
  | { screen: Exclude<Screen, 'decisions' | 'publish'> }

export const SCREEN_LABELS: Record<Screen, string> = {
  decisions: 'Decisions',
  publish: 'Publish',
  peers: 'Peers',
  elections: 'Elections',
  custody: 'Custody',
  settings: 'Settings',
}

export function routeToPath(route: Route): string {
  if (route.screen === 'decisions' && route.address !== undefined) return `/decisions/${route.address.split('/').map(encodeURIComponent).join('/')}`
  return `/${route.screen}`
}

export function pathToRoute(path: string): Route {
  const parts = path.split('/').filter((p) => p !== '')
  const first = parts[0] ?? 'decisions'
  if (first === 'decisions' && parts.length > 1) {
    try {
      return { screen: 'decisions', address: parts.slice(1).map(decodeURIComponent).join('/') }
    } catch {
      return { screen: 'decisions' }
    }
  }
  const screen = (SCREENS as readonly string[]).includes(first) ? (first as Screen) : 'decisions'
  return screen === 'decisions' ? { screen } : screen === 'publish' ? { screen } : { screen }
}

export function sameRoute(a: Route, b: Route): boolean {
  return routeToPath(a) === routeToPath(b)
}
