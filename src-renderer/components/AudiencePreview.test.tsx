// @vitest-environment jsdom
// Who will read a decision: the audience and every role above it, with the members of each.
import { afterEach, describe, expect, it } from 'vitest'
import { cleanup, render, screen } from '@testing-library/react'
import type { Member } from '../../src-shared/network.ts'
import { AudiencePreview } from './AudiencePreview.tsx'

afterEach(cleanup)

const member = (name: string, role: Member['role']): Member => ({ id: name, name, role, peerIds: [], signingKey: '', ageRecipient: '', flags: { elector: true, candidate: true, custodian: false }, joinedAt: 0 })

describe('AudiencePreview', () => {
  it('shows roles below the audience as locked and the rest as readers, with their members', () => {
    render(<AudiencePreview audience="backend_dev" members={[member('dave', 'observer'), member('carol', 'backend_dev'), member('bob', 'architect'), member('alice', 'admin')]} />)
    const rows = screen.getAllByRole('listitem')
    expect(rows.map((r) => r.getAttribute('data-role'))).toEqual(['observer', 'backend_dev', 'architect', 'admin'])
    expect(rows[0]!.textContent).toMatch(/Observer.*sees it locked.*dave/)
    expect(rows[1]!.textContent).toMatch(/Backend developer.*can read.*carol/)
    expect(rows[3]!.textContent).toMatch(/Admin.*can read.*alice/)
  })

  it('admin-only content is locked for everyone else', () => {
    render(<AudiencePreview audience="admin" />)
    const verdicts = screen.getAllByRole('listitem').map((r) => r.querySelector('.audience-verdict')!.textContent)
    expect(verdicts).toEqual(['sees it locked', 'sees it locked', 'sees it locked', 'can read'])
  })
})
