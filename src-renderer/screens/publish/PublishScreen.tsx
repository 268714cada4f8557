// Publish: an architecture decision record with live validation, who will be able to read it, a Markdown preview,
// and the replica count reached afterwards. What the member's role may not publish is disabled with the reason.
import { useEffect, useState, type FormEvent } from 'react'
import { DECISION_STATUSES, LIMITS, type DecisionStatus } from '../../../src-shared/decisions.ts'
import { mayPublish, readableAudiences, type DecisionType, type Role } from '../../../src-shared/roles.ts'
import { parseAddress } from '../../../src-shared/ucxl.ts'
import { keys, useCall, useDecision, useMember } from '../../api/queries.ts'
import { ErrorNotice } from '../../components/ErrorNotice.tsx'
import { Field } from '../../components/Field.tsx'
import { SafeMarkdown } from '../../components/Markdown.tsx'
import { ScreenHeader } from '../../components/ScreenHeader.tsx'
import { STATUS_LABELS } from '../../format/labels.ts'
import { EMPTY_DRAFT, draftBytes, hasProblems, previewMarkdown, toInput, validate, type Draft } from './form-model.ts'
import { LinksEditor } from './LinksEditor.tsx'
import { PublishResult } from './PublishResult.tsx'
import { TypeAudience } from './TypeAudience.tsx'

function initialDraft(role: Role): Draft {
  const preferred: DecisionType[] = ['decision', 'architectural', 'suggestion']
  const type = preferred.find((t) => mayPublish(role, t, role).allowed) ?? 'suggestion'
  return { ...EMPTY_DRAFT, type, audience: readableAudiences(role)[0] ?? role }
}

export function PublishScreen({ supersedes }: { supersedes: string | undefined }) {
  const member = useMember()
  const role: Role = member?.role ?? 'observer'
  const [draft, setDraft] = useState<Draft>(() => initialDraft(role))
  const [submitted, setSubmitted] = useState(false)
  const [tab, setTab] = useState<'write' | 'preview'>('write')
  const previous = useDecision(supersedes)
  const publish = useCall('decisions.publish', (_r, qc) => void qc.invalidateQueries({ queryKey: keys.decisions }))
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }))

  // A new version starts from the old one, linked with "supersedes".
  const prev = previous.data
  useEffect(() => {
    if (prev === undefined || supersedes === undefined) return
    const a = parseAddress(prev.header.address)
    setDraft({
      type: mayPublish(role, prev.header.type, prev.header.audience).allowed ? prev.header.type : initialDraft(role).type,
      title: prev.content.title,
      status: prev.content.status,
      project: a.ok ? a.value.project : '',
      task: a.ok ? a.value.task : '',
      audience: readableAudiences(role).includes(prev.header.audience) ? prev.header.audience : role,
      context: prev.content.context ?? '',
      body: prev.content.body,
      consequences: prev.content.consequences ?? '',
      options: (prev.content.options ?? []).join('\n'),
      tags: prev.content.tags.join(', '),
      links: [{ kind: 'supersedes', address: supersedes }, ...prev.content.links.filter((l) => l.kind !== 'supersedes')],
    })
  }, [prev, supersedes, role])

  const problems = validate(draft)
  const permission = mayPublish(role, draft.type, draft.audience)
  const show = (field: keyof typeof problems, value: string) => (submitted || value !== '' ? (problems[field] as string | undefined) : undefined)
  const bytes = draftBytes(draft)

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setSubmitted(true)
    if (hasProblems(problems) || !permission.allowed) {
      // Focus the first field that needs attention.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.publish-form [aria-invalid="true"]')?.focus())
      return
    }
    publish.mutate(toInput(draft))
  }

  if (publish.isSuccess) {
    return (
      <div className="screen">
        <ScreenHeader title="Publish" />
        <PublishResult
          result={publish.data}
          onAnother={() => {
            publish.reset()
            setDraft(initialDraft(role))
            setSubmitted(false)
          }}
        />
      </div>
    )
  }

  const agent = member?.id ?? 'you'
  return (
    <div className="screen">
      <ScreenHeader title={supersedes === undefined ? 'Publish a decision' : 'Publish a new version'} />
      <form className="publish-form" onSubmit={submit} noValidate aria-busy={publish.isPending}>
        <div className="publish-grid">
          <div className="publish-main">
            <Field label="Title" error={show('title', draft.title)}>
              <input type="text" value={draft.title} maxLength={LIMITS.titleChars + 50} onChange={(e) => set({ title: e.target.value })} placeholder="Use PostgreSQL for the event store" />
            </Field>
            <div className="tabs" role="tablist" aria-label="Editor">
              <button type="button" role="tab" aria-selected={tab === 'write'} className={tab === 'write' ? 'tab active' : 'tab'} onClick={() => setTab('write')}>
                Write
              </button>
              <button type="button" role="tab" aria-selected={tab === 'preview'} className={tab === 'preview' ? 'tab active' : 'tab'} onClick={() => setTab('preview')}>
                Preview
              </button>
            </div>
            {tab === 'write' ? (
              <div role="tabpanel" aria-label="Write">
                <Field label="Context" hint="Markdown. What forces are at play?">
                  <textarea rows={4} value={draft.context} onChange={(e) => set({ context: e.target.value })} />
                </Field>
                <Field label="Decision" hint="Markdown. What was decided, and why.">
                  <textarea rows={8} value={draft.body} onChange={(e) => set({ body: e.target.value })} />
                </Field>
                <Field label="Consequences" hint="Markdown. What becomes easier or harder.">
                  <textarea rows={4} value={draft.consequences} onChange={(e) => set({ consequences: e.target.value })} />
                </Field>
                <Field label="Considered options" hint="One per line." error={show('options', draft.options)}>
                  <textarea rows={3} value={draft.options} onChange={(e) => set({ options: e.target.value })} />
                </Field>
              </div>
            ) : (
              <div role="tabpanel" aria-label="Preview" className="card preview">
                <SafeMarkdown source={previewMarkdown(draft)} />
              </div>
            )}
            <p className={problems.size === undefined ? 'muted size-line' : 'field-error size-line'}>
              {problems.size ?? `${(bytes / 1024).toFixed(1)} KiB of ${LIMITS.contentBytes / 1024} KiB`}
            </p>
            <LinksEditor links={draft.links} problems={problems.links} show={submitted} onChange={(links) => set({ links })} />
          </div>
          <aside className="publish-side" aria-label="Address, audience and status">
            <TypeAudience role={role} type={draft.type} audience={draft.audience} onType={(type) => set({ type })} onAudience={(audience) => set({ audience })} />
            <Field label="Status">
              <select value={draft.status} onChange={(e) => set({ status: e.target.value as DecisionStatus })}>
                {DECISION_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </Field>
            <div className="address-parts">
              <Field label="Project" error={show('project', draft.project)}>
                <input type="text" value={draft.project} spellCheck={false} placeholder="billing" onChange={(e) => set({ project: e.target.value })} />
              </Field>
              <Field label="Task" error={show('task', draft.task)}>
                <input type="text" value={draft.task} spellCheck={false} placeholder="event-store" onChange={(e) => set({ task: e.target.value })} />
              </Field>
            </div>
            <p className="address-preview mono" aria-label="The address it will get">
              {agent}/{role}/{draft.project || 'project'}/{draft.task || 'task'}/<span className="muted">new-id</span>
            </p>
            <Field label="Tags" hint="Comma-separated, e.g. storage, postgres" error={show('tags', draft.tags)}>
              <input type="text" value={draft.tags} spellCheck={false} onChange={(e) => set({ tags: e.target.value })} />
            </Field>
          </aside>
        </div>
        {publish.isError && <ErrorNotice error={publish.error} title="Not published" />}
        <div className="form-actions sticky-actions">
          {!permission.allowed && <span className="field-error">{permission.reason}</span>}
          <button type="submit" className="btn btn-primary" disabled={publish.isPending || !permission.allowed} title={permission.allowed ? undefined : permission.reason}>
            {publish.isPending ? 'Encrypting and storing…' : 'Publish'}
          </button>
        </div>
      </form>
    </div>
  )
}
