// The app: react-query for what comes from the peer, zustand for UI state, one Transport from context.
import { useState } from 'react'
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { CallError, errorMessage, TransportProvider } from './api/client.tsx'
import { Root } from './shell/Root.tsx'
import { useUi } from './state/ui-store.ts'
import type { Transport } from './transport/transport.ts'

/** Errors a retry cannot fix. */
const FINAL = new Set(['invalid_input', 'forbidden', 'not_found', 'locked', 'unauthenticated', 'too_large', 'conflict'])

export function createQueryClient(): QueryClient {
  const report = (where: string, err: unknown) => useUi.getState().reportError(where, errorMessage(err))
  return new QueryClient({
    // Queries marked `meta.quiet` (capability probes such as the desktop settings) never reach the status bar.
    queryCache: new QueryCache({ onError: (err, query) => void (query.meta?.quiet === true ? undefined : report(String(query.queryKey[0]), err)) }),
    mutationCache: new MutationCache({
      onError: (err) => report(err instanceof CallError ? err.call : 'action', err),
      // A later success of the same action settles its error.
      onSuccess: (_data, _vars, _ctx, mutation) => {
        const last = useUi.getState().lastError
        if (last !== undefined && mutation.options.mutationKey?.[0] === last.where) useUi.getState().clearError()
      },
    }),
    defaultOptions: {
      queries: {
        retry: (count, err) => !(err instanceof CallError && FINAL.has(err.code)) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  })
}

export function App({ transport, onForgetToken }: { transport: Transport; onForgetToken?: () => void }) {
  const [client] = useState(createQueryClient)
  return (
    <QueryClientProvider client={client}>
      <TransportProvider transport={transport}>
        <Root {...(onForgetToken === undefined ? {} : { onForgetToken })} />
      </TransportProvider>
    </QueryClientProvider>
  )
}
