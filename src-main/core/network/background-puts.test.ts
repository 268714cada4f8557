import { describe, expect, it } from 'vitest'
import { BackgroundPuts } from './background-puts.ts'

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** A put that waits until the test releases it, recording what was sent. */
function gatedPuts() {
  const sent: string[] = []
  const gates: (() => void)[] = []
  const put = (key: string, b: Uint8Array) => {
    sent.push(`${key}=${text(b)}`)
    return new Promise<void>((resolve) => gates.push(resolve))
  }
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()!()
      await new Promise((r) => setImmediate(r))
    }
  }
  return { sent, put, releaseAll, gates }
}

describe('BackgroundPuts', () => {
  it('sends one put at a time, in the order queued', async () => {
    const g = gatedPuts()
    const puts = new BackgroundPuts(g.put, () => undefined)
    puts.enqueue('roster', bytes('1'))
    puts.enqueue('keys/a', bytes('a'))
    puts.enqueue('keyring', bytes('k'))
    await new Promise((r) => setImmediate(r))
    expect(g.sent).toEqual(['roster=1'])
    await g.releaseAll()
    await puts.idle()
    expect(g.sent).toEqual(['roster=1', 'keys/a=a', 'keyring=k'])
  })

  it('a key queued again before its put started moves to the end and sends only the newest bytes', async () => {
    const g = gatedPuts()
    const puts = new BackgroundPuts(g.put, () => undefined)
    puts.enqueue('keys/a', bytes('a'))
    const first = puts.enqueue('roster', bytes('2'))
    puts.enqueue('keys/b', bytes('b'))
    const second = puts.enqueue('roster', bytes('3'))
    expect(puts.size).toBe(2) // keys/a started; keys/b and roster wait
    await g.releaseAll()
    await puts.idle()
    await Promise.all([first, second]) // both callers learn the roster went out
    expect(g.sent).toEqual(['keys/a=a', 'keys/b=b', 'roster=3'])
  })

  it('supersede drops the queued older bytes and waits for an older put in flight, so the newer copy lands last', async () => {
    const g = gatedPuts()
    const puts = new BackgroundPuts(g.put, () => undefined)
    puts.enqueue('keys/a', bytes('old'))
    const queuedWaiter = puts.enqueue('keys/b', bytes('old'))
    await new Promise((r) => setImmediate(r))
    expect(g.sent).toEqual(['keys/a=old']) // in flight
    let flyingDone = false
    const waiting = puts.supersede('keys/a').then(() => (flyingDone = true))
    await puts.supersede('keys/b')
    await queuedWaiter // settled: the caller's direct put replaces it
    await new Promise((r) => setImmediate(r))
    expect(flyingDone).toBe(false) // the older put of keys/a is still out
    await g.releaseAll()
    await waiting
    await puts.idle()
    expect(g.sent).toEqual(['keys/a=old']) // keys/b's older bytes never went out
  })

  it('sent waits for a queued key to go out', async () => {
    const g = gatedPuts()
    const puts = new BackgroundPuts(g.put, () => undefined)
    puts.enqueue('keys/a', bytes('a'))
    puts.enqueue('roster', bytes('1'))
    let rosterSent = false
    const waiting = puts.sent('roster').then(() => (rosterSent = true))
    await new Promise((r) => setImmediate(r))
    expect(rosterSent).toBe(false)
    g.gates.shift()!() // keys/a done, roster starts
    await new Promise((r) => setImmediate(r))
    expect(rosterSent).toBe(false)
    await g.releaseAll()
    await waiting
    expect(g.sent).toEqual(['keys/a=a', 'roster=1'])
    await puts.sent('absent') // nothing queued: at once
  })

  it('a failed put is reported and the queue goes on', async () => {
    const failed: string[] = []
    const sent: string[] = []
    const puts = new BackgroundPuts(
      async (key) => {
        if (key === 'bad') throw new Error('boom')
        sent.push(key)
      },
      (key, err) => failed.push(`${key}: ${(err as Error).message}`),
    )
    puts.enqueue('bad', bytes('x'))
    puts.enqueue('good', bytes('y'))
    await puts.idle()
    expect(failed).toEqual(['bad: boom'])
    expect(sent).toEqual(['good'])
  })

  it('stop drops what is queued and refuses more', async () => {
    const g = gatedPuts()
    const puts = new BackgroundPuts(g.put, () => undefined)
    puts.enqueue('a', bytes('1'))
    const dropped = puts.enqueue('b', bytes('2'))
    puts.stop()
    await dropped // a dropped put's caller is not left waiting
    puts.enqueue('c', bytes('3'))
    await g.releaseAll()
    await puts.idle()
    expect(g.sent).toEqual(['a=1'])
  })
})
