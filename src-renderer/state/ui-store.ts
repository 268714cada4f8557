// UI state only (zustand): where the user is, the theme, filters, notifications, the last error and the peer-count
// samples for the sparkline. Everything that comes from the peer lives in react-query, never here.
import { create } from 'zustand'
import type { ListFilters } from '../api/queries.ts'
import { pathToRoute, type Route } from './route.ts'

export type Theme = 'light' | 'dark' | 'system'

export interface Notice {
  id: number
  kind: 'decision' | 'election' | 'custody' | 'info' | 'error'
  title: string
  body?: string
  /** Where "Open" goes. */
  route?: Route
  at: number
  /** Stays until dismissed (a share request waits for an answer). */
  sticky?: boolean
  /** A newer notice with the same key replaces this one (one election toast, not one per step). */
  key?: string
}

export interface LastError {
  message: string
  where: string
  at: number
}

export interface UiState {
  route: Route
  /** The decision open last, so coming back to Decisions shows it again. */
  lastAddress: string | undefined
  theme: Theme
  filters: ListFilters
  /** Bumped when filters are cleared, so uncontrolled filter fields start over. */
  filterEpoch: number
  /** Index of the highlighted row in the decision list. */
  cursor: number
  notices: Notice[]
  lastError: LastError | undefined
  /** Connected-peer counts over time: [epoch ms, count]. */
  peerSamples: [number, number][]
  navigate: (route: Route) => void
  setTheme: (theme: Theme) => void
  setFilters: (patch: Partial<ListFilters>) => void
  clearFilters: () => void
  setCursor: (i: number) => void
  notify: (n: Omit<Notice, 'id' | 'at'>) => void
  dismiss: (id: number) => void
  reportError: (where: string, message: string) => void
  clearError: () => void
  samplePeers: (count: number, at?: number) => void
}

const MAX_NOTICES = 4
const MAX_SAMPLES = 240
let noticeId = 0

function initialRoute(): Route {
  const loc = globalThis.location as Location | undefined
  return loc !== undefined && /^https?:$/.test(loc.protocol) ? pathToRoute(loc.pathname) : { screen: 'decisions' }
}

function initialTheme(): Theme {
  try {
    const t = globalThis.localStorage?.getItem('bzzz.theme')
    return t === 'light' || t === 'dark' || t === 'system' ? t : 'system'
  } catch {
    return 'system'
  }
}

export const useUi = create<UiState>()((set) => ({
  route: initialRoute(),
  lastAddress: undefined,
  theme: initialTheme(),
  filters: {},
  filterEpoch: 0,
  cursor: 0,
  notices: [],
  lastError: undefined,
  peerSamples: [],
  navigate: (route) => set((s) => ({ route, lastAddress: route.screen === 'decisions' ? route.address : s.lastAddress })),
  setTheme: (theme) => {
    try {
      globalThis.localStorage?.setItem('bzzz.theme', theme)
    } catch {
      // not persisted
    }
    set({ theme })
  },
  setFilters: (patch) =>
    set((s) => {
      const next: Record<string, unknown> = { ...s.filters, ...patch }
      for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === '') delete next[k]
      return { filters: next as ListFilters, cursor: 0 }
    }),
  clearFilters: () => set((s) => ({ filters: {}, cursor: 0, filterEpoch: s.filterEpoch + 1 })),
  setCursor: (cursor) => set({ cursor }),
  notify: (n) =>
    set((s) => {
      const notice: Notice = { ...n, id: ++noticeId, at: Date.now() }
      // Keep sticky ones; drop the oldest others past the limit.
      const all = [...s.notices.filter((x) => n.key === undefined || x.key !== n.key), notice]
      while (all.length > MAX_NOTICES) {
        const i = all.findIndex((x) => x.sticky !== true)
        all.splice(i >= 0 ? i : 0, 1)
      }
      return { notices: all }
    }),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  reportError: (where, message) => set({ lastError: { where, message, at: Date.now() } }),
  clearError: () => set({ lastError: undefined }),
  samplePeers: (count, at = Date.now()) =>
    set((s) => {
      const last = s.peerSamples.at(-1)
      if (last !== undefined && last[1] === count && at - last[0] < 60_000) return s
      return { peerSamples: [...s.peerSamples, [at, count] as [number, number]].slice(-MAX_SAMPLES) }
    }),
}))
