// Every query on the peer, with its key. Events (events.ts) invalidate or update exactly these keys, so nothing polls
// where an event exists.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import type { CallInput, CallName, CallOutput } from '../../src-shared/contract/calls.ts'
import type { ListInput } from '../../src-shared/decisions.ts'
import type { NodeStatus } from '../../src-shared/network.ts'
import { CallError, callOrThrow, useTransport } from './client.tsx'

export const keys = {
  status: ['node.status'] as const,
  decisions: ['decisions'] as const,
  decisionList: (filters: ListFilters) => ['decisions', 'list', filters] as const,
  decision: (address: string) => ['decisions', 'get', address] as const,
  history: (address: string) => ['decisions', 'history', address] as const,
  peers: ['peers'] as const,
  members: ['members'] as const,
  election: ['election'] as const,
  custody: ['custody'] as const,
  audit: ['audit'] as const,
  config: ['config'] as const,
  desktop: ['desktop.settings'] as const,
}

export type ListFilters = Omit<ListInput, 'limit' | 'cursor' | 'includeLocked'>

export const PAGE_SIZE = 500

export function useStatus() {
  const t = useTransport()
  return useQuery({ queryKey: keys.status, queryFn: () => callOrThrow(t, 'node.status', {}), staleTime: Infinity })
}

/** The unlocked member, when there is one. */
export function useMember(): NodeStatus['member'] {
  return useStatus().data?.member
}

export function useDecisionList(filters: ListFilters) {
  const t = useTransport()
  return useInfiniteQuery({
    queryKey: keys.decisionList(filters),
    queryFn: ({ pageParam }) => callOrThrow(t, 'decisions.list', { ...filters, limit: PAGE_SIZE, ...(pageParam === undefined ? {} : { cursor: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
  })
}

export function useDecision(address: string | undefined, enabled = true) {
  const t = useTransport()
  return useQuery({
    queryKey: keys.decision(address ?? ''),
    queryFn: () => callOrThrow(t, 'decisions.get', { address: address ?? '' }),
    enabled: enabled && address !== undefined,
    staleTime: Infinity,
    retry: false,
  })
}

export function useHistory(address: string | undefined) {
  const t = useTransport()
  return useQuery({
    queryKey: keys.history(address ?? ''),
    queryFn: () => callOrThrow(t, 'decisions.history', { address: address ?? '' }),
    enabled: address !== undefined,
    staleTime: Infinity,
    retry: false,
  })
}

export function usePeers() {
  const t = useTransport()
  return useQuery({ queryKey: keys.peers, queryFn: () => callOrThrow(t, 'peers.list', {}), staleTime: Infinity })
}

export function useMembers() {
  const t = useTransport()
  return useQuery({ queryKey: keys.members, queryFn: () => callOrThrow(t, 'members.list', {}), staleTime: Infinity })
}

/**
 * Election state. Events cover terms, votes and leaders; peers' last-seen times and the lease have no event, so
 * while the Elections screen is open (`live`) it also refreshes every few seconds.
 */
export function useElection(live = false) {
  const t = useTransport()
  return useQuery({ queryKey: keys.election, queryFn: () => callOrThrow(t, 'election.status', {}), staleTime: Infinity, refetchInterval: live ? 3000 : false, retry: 1 })
}

export function useCustody(enabled = true) {
  const t = useTransport()
  return useQuery({ queryKey: keys.custody, queryFn: () => callOrThrow(t, 'custody.status', {}), staleTime: Infinity, retry: 1, enabled })
}

export function useAudit(enabled: boolean) {
  const t = useTransport()
  return useQuery({ queryKey: keys.audit, queryFn: () => callOrThrow(t, 'audit.list', { newest: true, limit: 200 }), enabled, staleTime: Infinity, retry: false })
}

export function useConfig() {
  const t = useTransport()
  return useQuery({ queryKey: keys.config, queryFn: () => callOrThrow(t, 'config.get', {}), staleTime: Infinity })
}

/** The desktop app's own settings; an error ('unavailable') everywhere else, where the screen shows none of them. */
export function useDesktopSettings() {
  const t = useTransport()
  return useQuery({
    queryKey: keys.desktop,
    queryFn: async () => {
      const r = await t.callDesktop('desktop.settings.get', {})
      if (!r.ok) throw new CallError('node.status', r.error.code, r.error.message)
      return r.data
    },
    staleTime: Infinity,
    retry: false,
    meta: { quiet: true },
  })
}

/** A mutation for one call; `onDone` runs after success with the answer. */
export function useCall<N extends CallName>(name: N, onDone?: (data: CallOutput<N>, qc: QueryClient) => void) {
  const t = useTransport()
  const qc = useQueryClient()
  return useMutation({
    mutationKey: [name],
    mutationFn: (args: CallInput<N>) => callOrThrow(t, name, args),
    onSuccess: (data) => onDone?.(data, qc),
  })
}
