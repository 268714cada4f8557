// @vitest-environment jsdom
// Which screen shows: onboarding without a vault, unlock with a locked one (a wrong passphrase said where it was
// typed), the app once unlocked, a refused token, and "reconnecting" in the status bar.
import { afterEach, describe, expect, it } from 'vitest'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { NodeStatus } from '../../src-shared/network.ts'
import { fakeTransport, type Handlers } from '../testing/fake-transport.ts'
import { Providers } from '../testing/render.tsx'
import { Root } from './Root.tsx'

afterEach(cleanup)

const base: NodeStatus = { version: '1', state: 'running', vault: 'locked', listenAddrs: [], connectedPeers: 2, term: 1, admin: 'alice' }
const unlocked: NodeStatus = { ...base, vault: 'unlocked', member: { id: 'carol', name: 'carol', role: 'backend_dev', networkId: 'n', networkName: 'acme' } }

function app(handlers: Handlers) {
  const transport = fakeTransport({
    'decisions.list': () => ({ items: [], total: 0 }),
    'custody.status': () => ({ threshold: 3, epoch: 1, custodians: [], holdsShare: false, policy: 'auto', pending: [] }),
    ...handlers,
  })
  render(
    <Providers transport={transport}>
      <Root />
    </Providers>,
  )
  return transport
}

describe('Root', () => {
  it('starts onboarding when there is no vault', async () => {
    app({ 'node.status': () => ({ ...base, vault: 'absent', state: 'stopped' }) })
    await screen.findByRole('heading', { name: 'Welcome to BZZZ' })
    expect(screen.getByRole('tab', { name: 'Create a network' }).getAttribute('aria-selected')).toBe('true')
  })

  it('says "wrong passphrase" at the field, then opens the app', async () => {
    let attempts = 0
    app({
      'node.status': () => base,
      'vault.unlock': ({ passphrase }) => {
        attempts++
        return passphrase === 'correct horse battery' ? unlocked : { ok: false, error: { code: 'unauthenticated', message: 'wrong passphrase' } }
      },
    })
    const field = await screen.findByLabelText('Passphrase')
    fireEvent.change(field, { target: { value: 'nope nope nope' } })
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }))
    await screen.findByText(/wrong passphrase; try again/)
    expect(field.getAttribute('aria-invalid')).toBe('true')
    fireEvent.change(field, { target: { value: 'correct horse battery' } })
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }))
    await screen.findByRole('heading', { name: 'Decisions', level: 1 })
    expect(attempts).toBe(2)
  })

  it('shows the refused-token page and the reconnecting state', async () => {
    const t = app({ 'node.status': () => unlocked })
    await screen.findByRole('heading', { name: 'Decisions', level: 1 })
    act(() => t.setConnection({ state: 'reconnecting', attempt: 2, nextRetryAt: Date.now() + 3000 }))
    await waitFor(() => expect(screen.getByTestId('connection').textContent).toMatch(/Reconnecting in [0-9] s/))
    expect(screen.getByRole('button', { name: 'Retry now' })).toBeTruthy()
    act(() => t.setConnection({ state: 'unauthenticated', attempt: 0 }))
    await screen.findByRole('heading', { name: "The peer refused this page's token" })
  })

  it('follows node.status events without polling', async () => {
    const t = app({ 'node.status': () => unlocked })
    await screen.findByRole('heading', { name: 'Decisions', level: 1 })
    const before = t.calls.filter((c) => c.name === 'node.status').length
    act(() => t.emit({ type: 'node.status', at: Date.now(), payload: { ...unlocked, connectedPeers: 7, term: 4, admin: 'bob' } }))
    await waitFor(() => expect(screen.getByTestId('sb-peers').textContent).toBe('7 peers'))
    expect(screen.getByTestId('sb-term').textContent).toBe('term 4')
    expect(t.calls.filter((c) => c.name === 'node.status').length).toBe(before)
  })
})
