// @vitest-environment jsdom
// The decision list with 10,000 entries: only the visible rows exist, locked entries are shown (never hidden) with
// who can read them, and the keyboard moves through the whole list.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { DecisionListItem } from '../../../src-shared/decisions.ts'
import { recipientRoles, type Role } from '../../../src-shared/roles.ts'
import { useUi } from '../../state/ui-store.ts'
import { fakeTransport } from '../../testing/fake-transport.ts'
import { Providers } from '../../testing/render.tsx'
import { DecisionList } from './DecisionList.tsx'

const TOTAL = 10_000

function item(i: number): DecisionListItem {
  const header = { address: `bob/architect/p/t/n${i}`, type: 'architectural' as const, audience: (i % 3 === 0 ? 'architect' : 'observer') as Role, author: 'bob', authorRole: 'architect' as const, createdAt: 1_700_000_000_000 - i * 1000, contentHash: 'h', size: 100 }
  return i % 3 === 0
    ? { locked: true, reason: 'role', header, readableBy: recipientRoles('architect'), supersededBy: [] }
    : { locked: false, header, title: `Decision number ${i}`, status: 'accepted', tags: ['storage'], supersededBy: [] }
}
const ALL = Array.from({ length: TOTAL }, (_, i) => item(i))

const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')
beforeAll(() => {
  // jsdom has no layout: give the scrolling list a height so the virtualizer has a viewport.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 })
})
afterAll(() => {
  if (clientHeight !== undefined) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight)
})
afterEach(() => {
  cleanup()
  useUi.setState({ cursor: 0, filters: {} })
})

function renderList(onOpen: (i: DecisionListItem) => void = () => undefined) {
  const transport = fakeTransport({
    'decisions.list': (args) => {
      const start = args.cursor === undefined ? 0 : Number(args.cursor)
      const limit = args.limit ?? 100
      const items = ALL.slice(start, start + limit)
      return { items, total: TOTAL, ...(start + limit < TOTAL ? { nextCursor: String(start + limit) } : {}) }
    },
  })
  render(
    <Providers transport={transport}>
      <DecisionList openAddress={undefined} onOpen={onOpen} onClose={() => undefined} />
    </Providers>,
  )
  return transport
}

describe('DecisionList', () => {
  it('renders a window of rows out of 10,000, not all of them', async () => {
    const started = performance.now()
    renderList()
    await screen.findByText('Decision number 1')
    expect(screen.getByText(/10,000 decisions/)).toBeTruthy()
    const rows = screen.getAllByRole('option')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(40)
    expect(rows[0]!.getAttribute('aria-setsize')).toBe(String(TOTAL))
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it('shows a locked entry as locked, with who can read it, and no title', async () => {
    renderList()
    await screen.findByText('Decision number 1')
    const locked = document.querySelector('[data-address="bob/architect/p/t/n0"]')!
    expect(locked.className).toContain('locked')
    expect(locked.textContent).toContain('Locked architectural decision')
    expect(locked.textContent).toContain('Readable by Architect, Admin')
    expect(locked.textContent).not.toContain('Decision number 0')
  })

  it('moves with j/k and End, loads pages on the way, and opens with Enter', async () => {
    const opened: string[] = []
    const transport = renderList((i) => opened.push(i.header.address))
    await screen.findByText('Decision number 1')
    const list = screen.getByRole('listbox', { name: 'Decisions' })
    fireEvent.keyDown(list, { key: 'j' })
    fireEvent.keyDown(list, { key: 'j' })
    fireEvent.keyDown(list, { key: 'k' })
    expect(list.getAttribute('aria-activedescendant')).toBe('decision-row-1')
    fireEvent.keyDown(list, { key: 'Enter' })
    expect(opened).toEqual(['bob/architect/p/t/n1'])
    await act(async () => {
      fireEvent.keyDown(list, { key: 'End' })
    })
    expect(list.getAttribute('aria-activedescendant')).toBe(`decision-row-${TOTAL - 1}`)
    // Scrolling towards the end fetches more pages (500 per page), never all 10,000 in one call. (jsdom does not
    // scroll by itself: move the scroll position and tell the list.)
    await act(async () => {
      list.scrollTop = 480 * 60
      fireEvent.scroll(list)
    })
    await waitFor(() => expect(transport.calls.filter((c) => c.name === 'decisions.list').length).toBeGreaterThan(1))
    expect(transport.calls.every((c) => c.name !== 'decisions.list' || (c.args as { limit: number }).limit === 500)).toBe(true)
  })
})
