// Links to other decisions (supersedes, amends, relates to), each address validated as you type.
import { LINK_KINDS, LIMITS, type LinkKind } from '../../../src-shared/decisions.ts'
import { Field } from '../../components/Field.tsx'
import { Icon } from '../../components/Icon.tsx'
import type { LinkDraft } from './form-model.ts'

const KIND_LABELS: Record<LinkKind, string> = { supersedes: 'Supersedes', amends: 'Amends', relates_to: 'Relates to' }

export function LinksEditor({ links, problems, show, onChange }: { links: LinkDraft[]; problems: (string | undefined)[] | undefined; show: boolean; onChange: (links: LinkDraft[]) => void }) {
  const set = (i: number, patch: Partial<LinkDraft>) => onChange(links.map((l, j) => (j === i ? { ...l, ...patch } : l)))
  return (
    <fieldset className="links-editor">
      <legend>Links</legend>
      {links.length === 0 && <p className="muted">No links. A new version supersedes the old one; related records can be linked too.</p>}
      {links.map((l, i) => (
        <div className="link-row" key={i}>
          <Field label={`Link ${i + 1} kind`}>
            <select value={l.kind} onChange={(e) => set(i, { kind: e.target.value as LinkKind })}>
              {LINK_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field label={`Link ${i + 1} address`} error={show || l.address !== '' ? problems?.[i] : undefined} className="grow">
            <input type="text" className="mono" value={l.address} placeholder="agent/role/project/task/node" spellCheck={false} onChange={(e) => set(i, { address: e.target.value })} />
          </Field>
          <button type="button" className="icon-button link-remove" aria-label={`Remove link ${i + 1}`} onClick={() => onChange(links.filter((_, j) => j !== i))}>
            <Icon name="x" />
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" disabled={links.length >= LIMITS.links} onClick={() => onChange([...links, { kind: 'relates_to', address: '' }])}>
        Add a link
      </button>
    </fieldset>
  )
}
