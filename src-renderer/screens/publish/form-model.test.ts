// The publish form's validation uses the contract's rules and says what is wrong where.
import { describe, expect, it } from 'vitest'
import { publishInputSchema } from '../../../src-shared/decisions.ts'
import { EMPTY_DRAFT, hasProblems, toInput, validate } from './form-model.ts'

const good = { ...EMPTY_DRAFT, title: 'Use Postgres', project: 'billing', task: 'event-store', tags: 'storage, Postgres storage', options: 'Kafka\n\nPostgres\n' }

describe('the publish form model', () => {
  it('turns a valid draft into a contract input', () => {
    expect(hasProblems(validate(good))).toBe(false)
    const input = toInput({ ...good, links: [{ kind: 'supersedes', address: 'ucxl://bob/architect/billing/event-store/n1' }] })
    expect(publishInputSchema.safeParse(input).success).toBe(true)
    expect(input.tags).toEqual(['storage', 'postgres'])
    expect(input.options).toEqual(['Kafka', 'Postgres'])
  })

  it('names each problem at its field', () => {
    const p = validate({ ...EMPTY_DRAFT, project: 'bad project', task: '', tags: 'ok, NOT_ok!', links: [{ kind: 'amends', address: 'alice/wizard/p/t/n' }] })
    expect(p.title).toBe('a title is required')
    expect(p.project).toMatch(/the project contains " "/)
    expect(p.task).toBe('the task is required')
    expect(p.tags).toMatch(/'not_ok!'/)
    expect(p.links?.[0]).toMatch(/is not a role/)
    expect(hasProblems(p)).toBe(true)
  })

  it('refuses text over the size limit before sending it', () => {
    expect(validate({ ...good, body: 'x'.repeat(300 * 1024) }).size).toMatch(/the limit is 256 KiB/)
  })
})
