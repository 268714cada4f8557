// Reading a JSON request body within a byte limit: the declared Content-Length is checked before anything is read,
// and a body that grows past the limit while streaming (chunked, or a lying length) stops being read at once.
import type { IncomingMessage } from 'node:http'
import { BzzzError } from '../../../src-shared/errors.ts'

function tooLarge(limit: number): BzzzError {
  return new BzzzError('too_large', `the request body is larger than ${limit} bytes (${Math.round(limit / 1024)} KiB), the limit for every call`)
}

/** Whether a Content-Type header names JSON (`application/json`, any parameters). */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false
  const type = header.split(';', 1)[0]!.trim().toLowerCase()
  return type === 'application/json'
}

/** The raw body, at most `limit` bytes; `too_large` as soon as the declared or the received size exceeds it. */
export function readBodyLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanup = (): void => {
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onError)
      req.off('aborted', onAborted)
    }
    const onData = (chunk: Buffer): void => {
      size += chunk.length
      if (size > limit) {
        cleanup()
        req.pause()
        chunks.length = 0
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = (): void => {
      cleanup()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (err: Error): void => {
      cleanup()
      reject(new BzzzError('invalid_input', `the request body could not be read (${err.message})`))
    }
    const onAborted = (): void => onError(new Error('the client aborted the request'))
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The JSON object a POST or PUT carries. An empty body is `{}` (a call without input, e.g. `POST /api/vault/lock`);
 * a body needs `Content-Type: application/json` (400 otherwise, before the body is read) and must be a JSON object.
 */
export async function readJsonObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const contentType = req.headers['content-type']
  if (contentType !== undefined && !isJsonContentType(contentType)) {
    throw new BzzzError('invalid_input', `Content-Type '${contentType.slice(0, 60)}' is not supported; send the input as JSON with 'Content-Type: application/json'`)
  }
  const raw = await readBodyLimited(req, limit)
  if (raw.length === 0) return {}
  if (contentType === undefined) {
    throw new BzzzError('invalid_input', "the request has a body but no Content-Type; send the input as JSON with 'Content-Type: application/json'")
  }
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(raw))
  } catch {
    throw new BzzzError('invalid_input', 'the request body is not valid JSON (UTF-8)')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BzzzError('invalid_input', 'the request body must be a JSON object with the call input')
  }
  return value as Record<string, unknown>
}
