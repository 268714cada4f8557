import { buildSchema, getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql'
import { describe, expect, it } from 'vitest'
import { costLimitRule, depthLimitRule, LIST_FACTOR, MAX_COST, MAX_DEPTH, ROOT_FIELD_COST } from './limits.ts'
import { contractSchema } from './schema.ts'

// A recursive schema, where depth and fan-out are unbounded, unlike the contract's.
const schema = buildSchema(`
  type Node { id: ID!, child: Node, children: [Node!]! }
  type Query { node: Node, nodes: [Node!]! }
`)

function check(query: string, rules = [depthLimitRule(), costLimitRule()]) {
  return validate(schema, parse(query), [...specifiedRules, ...rules])
}

/** `{ node { child { ... { id } } } }`, `levels` fields deep. */
function nested(levels: number): string {
  let q = 'id'
  for (let i = 0; i < levels - 2; i++) q = `child { ${q} }`
  return `{ node { ${q} } }`
}

describe('depth limit', () => {
  it(`accepts ${MAX_DEPTH} levels and refuses ${MAX_DEPTH + 1}`, () => {
    expect(check(nested(MAX_DEPTH))).toEqual([])
    const errors = check(nested(MAX_DEPTH + 1))
    expect(errors).toHaveLength(1)
    expect(errors[0]!.message).toBe(`the operation is ${MAX_DEPTH + 1} levels deep; the limit is ${MAX_DEPTH}`)
    expect(errors[0]!.extensions.code).toBe('query_too_deep')
  })

  it('counts through fragments and inline fragments', () => {
    const q = `
      query Deep { node { ...A } }
      fragment A on Node { child { ...B } }
      fragment B on Node { child { ... on Node { child { child { child { child { child { child { id } } } } } } } } }
    `
    expect(check(q)[0]!.message).toMatch(/operation 'Deep' is 10 levels deep/)
  })

  it('stays cheap on fragments that spread each other many times', () => {
    const defs = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Node { id ${i < 29 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join('\n')
    const started = performance.now()
    expect(check(`{ node { ...F0 } }\n${defs}`, [depthLimitRule()])).toEqual([])
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('reports a fragment cycle through the specified rule, without looping', () => {
    const errors = check('{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }')
    expect(errors.map((e) => e.message).join('\n')).toMatch(/Cannot spread fragment "A" within itself/)
  })
})

describe('cost limit', () => {
  it('charges a root field, each field below it, and lists by a factor', () => {
    // node (root) + child + id, nodes (root, list) x (id + child + id)
    const q = '{ node { child { id } } nodes { id child { id } } }'
    const expected = ROOT_FIELD_COST + 1 * (1 + 1) + ROOT_FIELD_COST + LIST_FACTOR * (1 + 1 + 1)
    expect(check(q, [costLimitRule(expected)])).toEqual([])
    const errors = check(q, [costLimitRule(expected - 1)])
    expect(errors[0]!.message).toMatch(new RegExp(`estimated at ${expected} cost units; the limit is ${expected - 1}`))
    expect(errors[0]!.extensions.code).toBe('query_too_complex')
  })

  it('refuses nested lists that multiply, and aliases that repeat a root field', () => {
    expect(check('{ nodes { children { children { children { id } } } } }')[0]!.extensions.code).toBe('query_too_complex')
    const flood = `{ ${Array.from({ length: Math.ceil(MAX_COST / ROOT_FIELD_COST) + 1 }, (_, i) => `a${i}: node { id }`).join(' ')} }`
    expect(check(flood)[0]!.extensions.code).toBe('query_too_complex')
  })

  it('counts fragments as often as they are spread', () => {
    const once = check('{ nodes { ...F } } fragment F on Node { children { id } }', [costLimitRule(ROOT_FIELD_COST + LIST_FACTOR * (1 + LIST_FACTOR))])
    expect(once).toEqual([])
    const twice = check('{ nodes { ...F, c: children { id } } } fragment F on Node { children { id } }', [costLimitRule(ROOT_FIELD_COST + LIST_FACTOR * (1 + LIST_FACTOR))])
    expect(twice).toHaveLength(1)
  })
})

describe('the limits on the contract schema', () => {
  it('let the standard introspection query through (code generators use it)', () => {
    expect(validate(contractSchema(), parse(getIntrospectionQuery()), [...specifiedRules, depthLimitRule(), costLimitRule()])).toEqual([])
  })

  it('let a dashboard query through', () => {
    const q = `{
      nodeStatus { state vault connectedPeers member { name role } }
      peersList { peers { peerId memberId role isAdmin latencyMs } }
      membersList { members { id name role flags { elector candidate custodian } } }
      decisionsList(limit: 20) { total items { ... on DecisionListItemNotLocked { title status header { address type author createdAt } } ... on DecisionListItemLocked { reason header { address } } } }
      custodyStatus { threshold epoch custodians { memberId online } }
    }`
    expect(validate(contractSchema(), parse(q), [...specifiedRules, depthLimitRule(), costLimitRule()])).toEqual([])
  })
})
