// Decisions: filters and the virtualized list on the left, the open decision on the right.
import { useCallback, useEffect, useMemo } from 'react'
import type { DecisionListItem } from '../../../src-shared/decisions.ts'
import { useDecisionList } from '../../api/queries.ts'
import { ScreenHeader } from '../../components/ScreenHeader.tsx'
import { useUi } from '../../state/ui-store.ts'
import { DecisionDetail } from './DecisionDetail.tsx'
import { DecisionList } from './DecisionList.tsx'
import { Filters } from './Filters.tsx'

export function DecisionsScreen({ address }: { address: string | undefined }) {
  const navigate = useUi((s) => s.navigate)
  const filters = useUi((s) => s.filters)
  const list = useDecisionList(filters)
  // A notification about the decision now open has done its job.
  useEffect(() => {
    if (address === undefined) return
    const { notices, dismiss } = useUi.getState()
    for (const n of notices) if (n.route?.screen === 'decisions' && n.route.address === address) dismiss(n.id)
  }, [address])
  const item = useMemo(() => list.data?.pages.flatMap((p) => p.items).find((i) => i.header.address === address), [list.data, address])
  const onOpen = useCallback(
    (it: DecisionListItem) => {
      navigate({ screen: 'decisions', address: it.header.address })
      // Keyboard users stay in the list (j/k keep working); the detail is announced by its heading.
    },
    [navigate],
  )
  return (
    <div className="screen screen-decisions">
      <ScreenHeader title="Decisions" focus={address === undefined}>
        <button type="button" className="btn btn-primary" onClick={() => navigate({ screen: 'publish' })}>
          New decision
        </button>
      </ScreenHeader>
      <div className="decisions-layout">
        <section className="list-pane" aria-label="Decision list">
          <Filters />
          <DecisionList openAddress={address} onOpen={onOpen} onClose={() => navigate({ screen: 'decisions' })} />
        </section>
        <section
          className="detail-pane"
          aria-label="Decision"
          onKeyDown={(e) => {
            if (e.key !== 'Escape' || address === undefined) return
            // Escape closes the decision and returns to the list.
            navigate({ screen: 'decisions' })
            document.querySelector<HTMLElement>('.decision-list')?.focus()
          }}
        >
          {address === undefined ? (
            <div className="detail-empty muted">
              <p>Select a decision to read it.</p>
              <p>
                <kbd>/</kbd> search · <kbd>j</kbd> <kbd>k</kbd> move · <kbd>Enter</kbd> open
              </p>
            </div>
          ) : (
            <DecisionDetail key={address} address={address} item={item} />
          )}
        </section>
      </div>
    </div>
  )
}
