import {
  getNamedType,
  graphql,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLType,
} from 'graphql'
import { describe, expect, it } from 'vitest'
import { calls, CALL_NAMES, type CallSpec } from '../../../src-shared/contract/calls.ts'
import { EVENT_NAMES, type EventMessage } from '../../../src-shared/contract/events.ts'
import { BzzzError } from '../../../src-shared/errors.ts'
import { camelName, toJsonSchema } from '../schema/json-schema.ts'
import { eventStream, type EventSource } from './events.ts'
import { buildContractSchema, contractSchema, type GraphQLContext } from './schema.ts'

const schema = contractSchema()

function jsonScalarUses(): string[] {
  const uses: string[] = []
  const visit = (where: string, type: GraphQLType): void => {
    if (getNamedType(type).name === 'JSON') uses.push(where)
  }
  for (const type of Object.values(schema.getTypeMap()) as GraphQLNamedType[]) {
    if (type.name.startsWith('__')) continue
    if (isObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        visit(`${type.name}.${field.name}`, field.type)
        for (const arg of field.args) visit(`${type.name}.${field.name}(${arg.name})`, arg.type)
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) visit(`${type.name}.${field.name}`, field.type)
    }
  }
  return uses.sort()
}

describe('the GraphQL schema derived from the contract', () => {
  it('has a query per GET call and a mutation per other call, and nothing else', () => {
    const queries = Object.keys(schema.getQueryType()!.getFields()).sort()
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort()
    expect(queries).toEqual(CALL_NAMES.filter((n) => calls[n].http.method === 'GET').map(camelName).sort())
    expect(mutations).toEqual(CALL_NAMES.filter((n) => calls[n].http.method !== 'GET').map(camelName).sort())
  })

  it('has a subscription per event, plus `events` for several at once', () => {
    expect(Object.keys(schema.getSubscriptionType()!.getFields()).sort()).toEqual(['events', ...EVENT_NAMES.map(camelName)].sort())
  })

  it('takes the arguments of each call from its input schema: names, required fields, defaults', () => {
    for (const name of CALL_NAMES) {
      const spec = calls[name] as CallSpec
      const field = (spec.http.method === 'GET' ? schema.getQueryType() : schema.getMutationType())!.getFields()[camelName(name)]!
      const input = toJsonSchema(spec.input, 'input')
      expect(field.args.map((a) => a.name).sort(), name).toEqual(Object.keys(input.properties ?? {}).sort())
      for (const arg of field.args) {
        const prop = input.properties![arg.name]!
        const required = (input.required ?? []).includes(arg.name) && prop.default === undefined
        expect(isNonNullType(arg.type), `${name}(${arg.name})`).toBe(required)
        if (prop.default !== undefined) expect(arg.defaultValue, `${name}(${arg.name})`).toEqual(prop.default)
      }
    }
    const publish = schema.getMutationType()!.getFields().decisionsPublish!
    expect(getNamedType(publish.args.find((a) => a.name === 'type')!.type).name).toBe('DecisionType')
    expect(getNamedType(publish.args.find((a) => a.name === 'links')!.type).name).toBe('DecisionLinkInput')
  })

  it('types outputs precisely: enums, unions, 53-bit integers; JSON only where the contract is open-ended', () => {
    expect(isEnumType(schema.getType('Role'))).toBe(true)
    expect((schema.getType('Role') as any).getValues().map((v: any) => v.value)).toEqual(['observer', 'backend_dev', 'architect', 'admin'])
    const item = schema.getType('DecisionListItem')
    expect(isUnionType(item) && item.getTypes().map((t) => t.name).sort()).toEqual(['DecisionListItemLocked', 'DecisionListItemNotLocked'])
    const header = schema.getType('DecisionHeader')
    expect(isObjectType(header) && getNamedType(header.getFields().createdAt!.type).name).toBe('SafeInt')
    expect(isScalarType(schema.getType('SafeInt'))).toBe(true)
    // z.unknown (config.set's value) and z.record (audit entry details) only.
    expect(jsonScalarUses()).toEqual(['AuditEntry.detail', 'Mutation.configSet(value)'])
  })

  it('is the same every time it is built', async () => {
    const { printSchema } = await import('graphql')
    expect(printSchema(buildContractSchema())).toBe(printSchema(schema))
  })
})

function context(call: GraphQLContext['call']): GraphQLContext {
  return { call, events: { subscribe: () => () => undefined, filter: (m) => m } }
}

describe('GraphQL resolvers', () => {
  it('run the call with the arguments (nulls dropped) and return its output', async () => {
    const seen: unknown[] = []
    const result = await graphql({
      schema,
      source: '{ decisionsList(pattern: "**", tag: null) { total } }',
      contextValue: context(async (name, input) => {
        seen.push([name, input])
        return { items: [], total: 0 }
      }),
    })
    expect(result.errors).toBeUndefined()
    expect(result.data).toEqual({ decisionsList: { total: 0 } })
    expect(seen).toEqual([['decisions.list', { pattern: '**', includeLocked: true, limit: 100 }]])
  })

  it("turn a BzzzError into a GraphQL error with the contract's code, and hide anything else", async () => {
    const forbidden = await graphql({
      schema,
      source: '{ auditVerify { ok } }',
      contextValue: context(async () => {
        throw new BzzzError('rate_limited', 'too many general calls', { retryAfter: 3 })
      }),
    })
    expect(forbidden.errors![0]).toMatchObject({ message: 'too many general calls', extensions: { code: 'rate_limited', retryAfter: 3 } })
    const internal = await graphql({
      schema,
      source: '{ auditVerify { ok } }',
      contextValue: context(async () => {
        throw new Error('database exploded at /secret/path')
      }),
    })
    expect(internal.errors![0]).toMatchObject({ message: 'internal error; see the peer log for details', extensions: { code: 'internal' } })
  })
})

describe('event streams', () => {
  function source(): EventSource & { emit(m: EventMessage): void; listeners: number } {
    const listeners = new Set<(m: EventMessage) => void>()
    return {
      subscribe(l) {
        listeners.add(l)
        return () => listeners.delete(l)
      },
      filter: (m) => (m.type === 'peer.left' ? undefined : m),
      emit: (m) => listeners.forEach((l) => l(m)),
      get listeners() {
        return listeners.size
      },
    }
  }
  const left = { type: 'peer.left', at: 1, payload: { peerId: 'p' } } as EventMessage
  const joined = (n: number) => ({ type: 'member.removed', at: n, payload: { memberId: 'm', seq: n } }) as EventMessage

  it('delivers what the filter lets through, of the chosen types, queued until read', async () => {
    const s = source()
    const it = eventStream(s, new Set(['member.removed', 'peer.left']))
    s.emit(left)
    s.emit(joined(1))
    s.emit({ type: 'key.rotated', at: 2, payload: { key: 'observer', keyId: 'k' } } as EventMessage)
    s.emit(joined(3))
    expect((await it.next()).value).toEqual(joined(1))
    expect((await it.next()).value).toEqual(joined(3))
    const pending = it.next()
    s.emit(joined(4))
    expect((await pending).value).toEqual(joined(4))
    await it.return!()
    expect(s.listeners).toBe(0)
    expect((await it.next()).done).toBe(true)
  })

  it('ends a subscription that falls too far behind instead of queueing without bound', async () => {
    const s = source()
    const it = eventStream(s, undefined, 3)
    for (let i = 0; i < 5; i++) s.emit(joined(i))
    expect(s.listeners).toBe(0)
    await expect(it.next()).rejects.toThrow(/fell 3 events behind/)
    expect((await it.next()).done).toBe(true)
  })
})
