// Renders a component the way the app does: a fresh query client and the given transport.
import { useState, type ReactNode } from 'react'
import { QueryClientProvider } from '@tanstack/react-query'
import { createQueryClient } from '../App.tsx'
import { TransportProvider } from '../api/client.tsx'
import type { Transport } from '../transport/transport.ts'

export function Providers({ transport, children }: { transport: Transport; children: ReactNode }) {
  const [client] = useState(createQueryClient)
  return (
    <QueryClientProvider client={client}>
      <TransportProvider transport={transport}>{children}</TransportProvider>
    </QueryClientProvider>
  )
}
