// A WebSocket test client for /api/events: collects messages, waits for one matching a predicate, makes calls.
import { WebSocket } from 'ws'

export interface Refusal {
  status: number
  body: any
}

export class WsTestClient {
  readonly ws: WebSocket
  readonly messages: any[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = []
  private nextId = 0

  private constructor(ws: WebSocket) {
    this.ws = ws
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as unknown
      this.messages.push(m)
      for (const w of [...this.waiters]) {
        if (w.pred(m)) {
          this.waiters.splice(this.waiters.indexOf(w), 1)
          w.resolve(m)
        }
      }
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  /** Opens a socket; rejects with the HTTP refusal (status and JSON body) when the upgrade is refused. */
  static open(url: string, opts: { headers?: Record<string, string>; origin?: string; autoPong?: boolean } = {}): Promise<WsTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        ...(opts.headers === undefined ? {} : { headers: opts.headers }),
        ...(opts.origin === undefined ? {} : { origin: opts.origin }),
        ...(opts.autoPong === undefined ? {} : { autoPong: opts.autoPong }),
      })
      const client = new WsTestClient(ws)
      ws.once('open', () => resolve(client))
      ws.once('unexpected-response', (_req, res) => {
        let text = ''
        res.on('data', (d: Buffer) => (text += d.toString()))
        res.on('end', () => {
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            // not JSON
          }
          reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode ?? 0, body }))
        })
      })
      ws.once('error', (err) => reject(err))
    })
  }

  /** Opens with the token in the Authorization header and waits for `ready`. */
  static async authed(url: string, token: string): Promise<WsTestClient> {
    const c = await WsTestClient.open(url, { headers: { Authorization: `Bearer ${token}` } })
    await c.next((m) => m.type === 'ready')
    return c
  }

  next(pred: (m: any) => boolean, timeoutMs = 10_000): Promise<any> {
    const found = this.messages.find(pred)
    if (found !== undefined) return Promise.resolve(found)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5)).slice(0, 1000)}`)), timeoutMs)
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(timer)
          resolve(m)
        },
      })
    })
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  /** A contract call; resolves with the `result` ({ ok, data } or { ok: false, error }). */
  async call(call: string, args?: unknown): Promise<any> {
    const id = `c${++this.nextId}`
    this.send({ id, call, ...(args === undefined ? {} : { args }) })
    return (await this.next((m) => m.id === id)).result
  }

  events(type?: string): any[] {
    return this.messages.filter((m) => m.type === 'event' && (type === undefined || m.event.type === type)).map((m) => m.event)
  }

  close(): void {
    this.ws.terminate()
  }
}

/** The refusal of an upgrade (status and body), or undefined when the socket opened. */
export async function refusalOf(open: Promise<WsTestClient>): Promise<Refusal | undefined> {
  try {
    const c = await open
    c.close()
    return undefined
  } catch (err) {
    return err as Refusal
  }
}
