import { describe, expect, it } from 'vitest'
import { may, mayPublish, mayRead, OPERATIONS, PERMISSION_MATRIX, readableAudiences, recipientRoles, ROLES } from './roles.ts'

describe('role hierarchy', () => {
  it('encrypts content for a role to it and every role above', () => {
    expect(recipientRoles('observer')).toEqual(['observer', 'backend_dev', 'architect', 'admin'])
    expect(recipientRoles('architect')).toEqual(['architect', 'admin'])
    expect(recipientRoles('admin')).toEqual(['admin'])
  })
  it('lets each role read its own audience and those below (the seeds hierarchy)', () => {
    expect(readableAudiences('observer')).toEqual(['observer'])
    expect(readableAudiences('backend_dev')).toEqual(['observer', 'backend_dev'])
    expect(readableAudiences('architect')).toEqual(['observer', 'backend_dev', 'architect'])
    expect(readableAudiences('admin')).toEqual([...ROLES])
  })
})

describe('permission matrix', () => {
  // The seeds' table, row by row: observer, backend_dev, architect, admin.
  const seeds: Record<string, string> = {
    read_own: '✓✓✓✓',
    read_other: '✗P✓✓',
    publish_suggestion: '✓✓✓✓',
    publish_decision: '✗✓✓✓',
    publish_architectural: '✗✗✓✓',
    trigger_election: '✗✗✗✓',
    key_management: '✗✗✗✓',
    system_configuration: '✗✗P✓',
    debug_access: '✗P✓✓',
    raw_dht: '✗✗✗✓',
  }
  it('matches the seeds cell for cell', () => {
    for (const op of OPERATIONS) {
      const row = ROLES.map((r) => ({ yes: '✓', no: '✗', partial: 'P' })[PERMISSION_MATRIX[op][r]]).join('')
      expect(`${op}:${row}`).toBe(`${op}:${seeds[op]}`)
    }
  })

  it('answers every plain cell', () => {
    expect(may('observer', 'publish_decision')).toMatchObject({ allowed: false, reason: expect.stringContaining('backend_dev, architect, admin') })
    expect(may('architect', 'publish_architectural').allowed).toBe(true)
    expect(may('architect', 'trigger_election').allowed).toBe(false)
    expect(may('admin', 'raw_dht').allowed).toBe(true)
  })

  it('reads: own audience, lower audiences by the partial rule, never above', () => {
    expect(mayRead('observer', 'observer').allowed).toBe(true)
    expect(mayRead('observer', 'backend_dev')).toMatchObject({ allowed: false, reason: expect.stringContaining('addressed to backend_dev') })
    expect(mayRead('backend_dev', 'backend_dev').allowed).toBe(true)
    expect(mayRead('backend_dev', 'observer').allowed).toBe(true)
    expect(mayRead('backend_dev', 'architect').allowed).toBe(false)
    expect(mayRead('architect', 'observer').allowed).toBe(true)
    expect(mayRead('architect', 'admin').allowed).toBe(false)
    expect(mayRead('admin', 'architect').allowed).toBe(true)
  })

  it('decides the partial cells from their context', () => {
    expect(may('backend_dev', 'read_other').allowed).toBe(false) // no context: the safe answer
    expect(may('architect', 'system_configuration', { settingClass: 'team' }).allowed).toBe(true)
    expect(may('architect', 'system_configuration', { settingClass: 'security' })).toMatchObject({ allowed: false, reason: expect.stringContaining('security settings') })
    expect(may('backend_dev', 'debug_access', { debugTool: 'connections' }).allowed).toBe(true)
    expect(may('backend_dev', 'debug_access', { debugTool: 'gossip_mesh' }).allowed).toBe(true)
    expect(may('backend_dev', 'debug_access', { debugTool: 'routing_table' }).allowed).toBe(false)
    expect(may('architect', 'debug_access', { debugTool: 'routing_table' }).allowed).toBe(true)
  })

  it('publishes by type and never to an audience the author cannot read', () => {
    expect(mayPublish('observer', 'suggestion', 'observer').allowed).toBe(true)
    expect(mayPublish('observer', 'decision', 'observer').allowed).toBe(false)
    expect(mayPublish('backend_dev', 'code', 'backend_dev').allowed).toBe(true)
    expect(mayPublish('backend_dev', 'architectural', 'backend_dev').allowed).toBe(false)
    expect(mayPublish('backend_dev', 'decision', 'architect')).toMatchObject({ allowed: false, reason: expect.stringContaining('could not read it back') })
    expect(mayPublish('architect', 'architectural', 'observer').allowed).toBe(true)
  })
})
