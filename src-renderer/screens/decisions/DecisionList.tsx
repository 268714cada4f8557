// The virtualized list: only the visible rows exist in the DOM, rows have one fixed height (no jumps), pages load
// as you scroll, and the keyboard moves a highlighted row (j/k, arrows, Home/End, PageUp/PageDown, Enter opens).
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { DecisionListItem } from '../../../src-shared/decisions.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { useDecisionList } from '../../api/queries.ts'
import { useUi } from '../../state/ui-store.ts'
import { DecisionRow, rowId, SkeletonRow } from './DecisionRow.tsx'

export const ROW_HEIGHT = 60

export function DecisionList({ openAddress, onOpen, onClose }: { openAddress: string | undefined; onOpen: (item: DecisionListItem) => void; onClose: () => void }) {
  const filters = useUi((s) => s.filters)
  const cursor = useUi((s) => s.cursor)
  const setCursor = useUi((s) => s.setCursor)
  const list = useDecisionList(filters)
  const items = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data])
  const total = Math.max(list.data?.pages[0]?.total ?? 0, items.length)
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({ count: total, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 8 })
  const virtualItems = virtualizer.getVirtualItems()
  const lastVisible = virtualItems.at(-1)?.index ?? 0
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastVisible >= items.length - 50) void fetchNextPage()
  }, [lastVisible, items.length, hasNextPage, isFetchingNextPage, fetchNextPage])

  // The open decision (from a link or the URL) becomes the highlighted row once it is loaded.
  useEffect(() => {
    if (openAddress === undefined) return
    const i = items.findIndex((it) => it.header.address === openAddress)
    if (i >= 0 && i !== useUi.getState().cursor) setCursor(i)
  }, [openAddress, items, setCursor])

  const move = (to: number) => {
    if (total === 0) return
    const i = Math.max(0, Math.min(total - 1, to))
    setCursor(i)
    virtualizer.scrollToIndex(i, { align: 'auto' })
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1)
    const keys: Record<string, () => void> = {
      j: () => move(cursor + 1),
      ArrowDown: () => move(cursor + 1),
      k: () => move(cursor - 1),
      ArrowUp: () => move(cursor - 1),
      Home: () => move(0),
      End: () => move(total - 1),
      PageDown: () => move(cursor + page),
      PageUp: () => move(cursor - page),
      Enter: () => {
        const item = items[cursor]
        if (item !== undefined) onOpen(item)
      },
      Escape: () => onClose(),
    }
    const action = keys[e.key]
    if (action !== undefined) {
      e.preventDefault()
      action()
    }
  }

  if (list.isError) return <ErrorNotice error={list.error} title="The list did not load" onRetry={() => void list.refetch()} />
  const loading = list.isPending
  return (
    <div className="decision-list-wrap">
      <div className="list-count muted" aria-live="polite">
        {loading ? 'Loading…' : `${total.toLocaleString()} decision${total === 1 ? '' : 's'}${items.filter((i) => i.locked).length > 0 ? ` · ${items.filter((i) => i.locked).length.toLocaleString()} locked` : ''}`}
      </div>
      <div
        ref={scroller}
        className="decision-list"
        role="listbox"
        tabIndex={0}
        aria-label="Decisions"
        aria-busy={loading}
        aria-activedescendant={total > 0 ? rowId(Math.min(cursor, total - 1)) : undefined}
        onKeyDown={onKeyDown}
      >
        {!loading && total === 0 && (
          <div className="list-empty" role="presentation">
            <p>No decisions match.</p>
            <p className="muted">Change the filters, or publish the first one.</p>
          </div>
        )}
        <div className="decision-list-inner" style={{ height: virtualizer.getTotalSize() }}>
          {virtualItems.map((v) => {
            const item = items[v.index]
            return (
              <div key={v.key} className="virtual-row" style={{ transform: `translateY(${v.start}px)` }}>
                {item === undefined ? (
                  <SkeletonRow index={v.index} total={total} />
                ) : (
                  <DecisionRow
                    item={item}
                    index={v.index}
                    total={total}
                    selected={v.index === cursor}
                    open={item.header.address === openAddress}
                    onClick={() => {
                      setCursor(v.index)
                      onOpen(item)
                    }}
                  />
                )}
              </div>
            )
          })}
        </div>
      </div>
    </div>
  )
}
