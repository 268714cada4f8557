// The core's events as an async iterator for GraphQL subscriptions: subscribed at once (so nothing published after the
// subscription is accepted is missed), filtered per event by what the local member may see at delivery time
// (../event-filter.ts), and bounded: a client that does not keep up has its subscription ended with an error rather
// than letting the queue grow; the peer is never slowed down.
import { GraphQLError } from 'graphql'
import type { EventMessage, EventName } from '../../../src-shared/contract/events.ts'

export const MAX_QUEUED_EVENTS = 256

export interface EventSource {
  subscribe(listener: (message: EventMessage) => void): () => void
  /** The message as the viewer may receive it, or undefined. */
  filter(message: EventMessage): EventMessage | undefined
}

export function eventStream(source: EventSource, types: ReadonlySet<EventName> | undefined, maxQueued = MAX_QUEUED_EVENTS): AsyncIterableIterator<EventMessage> {
  const queue: EventMessage[] = []
  let waiting: ((r: IteratorResult<EventMessage>) => void) | undefined
  let failed: ((err: Error) => void) | undefined
  let error: Error | undefined
  let done = false

  const finish = (): void => {
    done = true
    unsubscribe()
    queue.length = 0
  }
  const unsubscribe = source.subscribe((message) => {
    if (done || (types !== undefined && !types.has(message.type))) return
    const visible = source.filter(message)
    if (visible === undefined) return
    if (waiting !== undefined) {
      const resolve = waiting
      waiting = undefined
      failed = undefined
      resolve({ value: visible, done: false })
      return
    }
    if (queue.length >= maxQueued) {
      error = new GraphQLError(`this subscription fell ${maxQueued} events behind and was ended; subscribe again`, { extensions: { code: 'too_slow' } })
      finish()
      return
    }
    queue.push(visible)
  })

  const iterator: AsyncIterableIterator<EventMessage> = {
    next() {
      if (error !== undefined) {
        const err = error
        error = undefined
        return Promise.reject(err)
      }
      const head = queue.shift()
      if (head !== undefined) return Promise.resolve({ value: head, done: false })
      if (done) return Promise.resolve({ value: undefined, done: true })
      return new Promise((resolve, reject) => {
        waiting = resolve
        failed = reject
      })
    },
    return() {
      const resolve = waiting
      waiting = undefined
      failed = undefined
      finish()
      resolve?.({ value: undefined, done: true })
      return Promise.resolve({ value: undefined, done: true })
    },
    throw(err?: unknown) {
      const reject = failed
      waiting = undefined
      failed = undefined
      finish()
      reject?.(err instanceof Error ? err : new Error(String(err)))
      return Promise.reject(err)
    },
    [Symbol.asyncIterator]() {
      return iterator
    },
  }
  return iterator
}
