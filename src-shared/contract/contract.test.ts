import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { CALL_NAMES, calls, requiredAccess } from './calls.ts'
import { EVENT_NAMES, events } from './events.ts'
import { OPERATIONS } from '../roles.ts'

describe('the contract table', () => {
  it('gives every call schemas, an access rule and a unique HTTP route whose parameters are input fields', () => {
    const routes = new Set<string>()
    for (const name of CALL_NAMES) {
      const spec = calls[name]
      expect(spec.input, name).toBeInstanceOf(z.ZodType)
      expect(spec.output, name).toBeInstanceOf(z.ZodType)
      expect(spec.summary.length, name).toBeGreaterThan(10)
      const route = `${spec.http.method} ${spec.http.path}`
      expect(routes.has(route), `duplicate route ${route}`).toBe(false)
      routes.add(route)
      const shape = (spec.input as z.ZodObject).shape as Record<string, unknown>
      for (const param of spec.http.path.match(/[:*][a-zA-Z]+/g) ?? []) {
        expect(Object.keys(shape), `${name} route parameter ${param}`).toContain(param.slice(1))
      }
      if (typeof spec.access === 'string' && !['open', 'member'].includes(spec.access)) {
        expect(OPERATIONS, name).toContain(spec.access)
      }
    }
  })

  it('chooses the publish permission from the decision type', () => {
    const input = calls['decisions.publish'].input.parse({ type: 'architectural', title: 't', audience: 'observer', project: 'p', task: 't' })
    expect(requiredAccess('decisions.publish', input)).toBe('publish_architectural')
    expect(requiredAccess('decisions.publish', { ...input, type: 'suggestion' })).toBe('publish_suggestion')
  })

  it('rejects unknown fields and bad UCXL segments with a message naming them', () => {
    const r = calls['decisions.publish'].input.safeParse({ type: 'decision', title: 't', audience: 'observer', project: 'a b', task: 't', extra: 1 })
    expect(r.success).toBe(false)
    const text = JSON.stringify(r.error?.issues)
    expect(text).toContain('project')
    expect(text).toContain('extra')
  })

  it('has unique MCP tool names and an event schema for each event', () => {
    const tools = CALL_NAMES.flatMap((n) => {
      const mcp = (calls[n] as { mcp?: { tool: string } }).mcp
      return mcp ? [mcp.tool] : []
    })
    expect(new Set(tools).size).toBe(tools.length)
    expect(tools).toEqual(expect.arrayContaining(['publish_decision', 'get_decision', 'search_decisions', 'list_peers', 'election_status']))
    for (const e of EVENT_NAMES) expect(events[e].payload, e).toBeInstanceOf(z.ZodType)
  })
})
