// The OpenAPI 3.1 document of the peer's HTTP API, generated from the contract so that any language can generate a
// client: one operation per call at its HTTP route (`:name` and `*name` become path parameters), GET and DELETE inputs
// as query parameters, POST and PUT inputs as a JSON body, request and response schemas from the call's zod schemas
// (JSON Schema 2020-12, the dialect of OpenAPI 3.1), the error body, bearer security, and /health.
// Served without the token at GET /api/openapi.json (it describes only the public contract, and code generators can
// fetch it as is); written to docs/openapi.json by `npm run openapi`, and a test keeps that file from drifting.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { calls, CALL_NAMES, type CallName, type CallSpec } from '../../src-shared/contract/calls.ts'
import { errorSchema, HTTP_STATUS } from '../../src-shared/errors.ts'
import { VERSION } from '../core/version.ts'
import { ciBodySchema } from './http/ci-compat.ts'
import { compilePath } from './http/routes.ts'
import type { ExtraRoute } from './http/server.ts'
import { camelName, refName, toJsonSchema, type Io, type JsonSchema } from './schema/json-schema.ts'

export const OPENAPI_PATH = '/api/openapi.json'

type Json = Record<string, unknown>

/** `/api/decisions/content/*address` -> `/api/decisions/content/{address}`. */
export function openApiPath(path: string): string {
  return (
    '/' +
    compilePath(path)
      .map((s) => (s.kind === 'literal' ? s.value : `{${s.name}}`))
      .join('/')
  )
}

function mapJson(value: unknown, fn: (node: Json) => Json): unknown {
  if (Array.isArray(value)) return value.map((v) => mapJson(v, fn))
  if (typeof value !== 'object' || value === null) return value
  const out: Json = {}
  for (const [k, v] of Object.entries(value)) out[k] = mapJson(v, fn)
  return fn(out)
}

/**
 * Collects the named schemas of many JSON Schema documents into components.schemas. A name keeps its plain form for
 * the output side; the input side of a schema that differs (defaults make fields optional, inputs have bounds) is
 * `NameInput`. Whether they differ is known only once every document is in, so `add` leaves placeholder references
 * and `finalize` resolves them to '#/components/schemas/...' everywhere in the document.
 */
class Components {
  private readonly defs: Record<Io, Map<string, JsonSchema>> = { input: new Map(), output: new Map() }

  /** Registers a document's $defs and returns its root, with placeholder references. */
  add(doc: JsonSchema, io: Io): JsonSchema {
    const { $defs, ...root } = doc
    for (const [name, def] of Object.entries($defs ?? {})) {
      const known = this.defs[io].get(name)
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(def)) throw new Error(`two different ${io} schemas are named '${name}'`)
      this.defs[io].set(name, def)
    }
    return this.mark(root, io)
  }

  /** components.schemas, and `doc` with every placeholder resolved. */
  finalize<T>(doc: T): { doc: T; schemas: Record<string, JsonSchema> } {
    const schemas: Record<string, JsonSchema> = {}
    for (const io of ['output', 'input'] as const) {
      for (const [name, def] of this.defs[io]) {
        const target = this.nameFor(name, io)
        schemas[target] ??= this.resolve(this.mark(def, io))
      }
    }
    return { doc: this.resolve(doc), schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))) }
  }

  private mark(schema: JsonSchema, io: Io): JsonSchema {
    return mapJson(schema, (node) => {
      if (typeof node.$ref === 'string') return { ...node, $ref: `${PLACEHOLDER}${io}/${refName(node.$ref)}` }
      // Responses: clients must ignore fields they do not know (a newer peer may add some); only inputs are closed.
      if (io === 'output' && node.additionalProperties === false) {
        const { additionalProperties: _closed, ...open } = node
        return open
      }
      return node
    }) as JsonSchema
  }

  private resolve<T>(doc: T): T {
    return mapJson(doc, (node) => {
      if (typeof node.$ref !== 'string' || !node.$ref.startsWith(PLACEHOLDER)) return node
      const [io, name] = node.$ref.slice(PLACEHOLDER.length).split('/') as [Io, string]
      return { ...node, $ref: `#/components/schemas/${this.nameFor(name, io)}` }
    }) as T
  }

  /** Whether the input side of `name` is the output side (itself and everything it references). */
  private sameBothWays(name: string, seen = new Set<string>()): boolean {
    if (seen.has(name)) return true
    seen.add(name)
    const input = this.defs.input.get(name)
    const output = this.defs.output.get(name)
    if (input === undefined || output === undefined || JSON.stringify(input) !== JSON.stringify(output)) return false
    const refs = JSON.stringify(input).match(/"#\/\$defs\/[^"]+"/g) ?? []
    return refs.every((r) => this.sameBothWays(refName(JSON.parse(r) as string), seen))
  }

  private nameFor(name: string, io: Io): string {
    return io === 'output' || this.sameBothWays(name) ? name : `${name}Input`
  }
}

const PLACEHOLDER = 'bzzz-def:'

function accessText(spec: CallSpec): string {
  return typeof spec.access === 'function' ? 'depends on the input (see the description)' : spec.access
}

const BODY_METHODS = new Set(['POST', 'PUT'])

function errorResponses(spec: CallSpec): Json {
  const statuses = new Set<number>([400, 401, 404, 409, 429, 500, 503])
  if (spec.access !== 'open') statuses.add(HTTP_STATUS.forbidden)
  if (BODY_METHODS.has(spec.http.method)) statuses.add(HTTP_STATUS.too_large)
  const ref = (status: number): string => (status === 401 ? 'Unauthenticated' : status === 429 ? 'RateLimited' : 'Error')
  return Object.fromEntries([...statuses].sort().map((s) => [String(s), { $ref: `#/components/responses/${ref(s)}` }]))
}

function operation(name: CallName, components: Components): { path: string; method: string; op: Json } {
  const spec = calls[name] as CallSpec
  const input = components.add(toJsonSchema(spec.input, 'input'), 'input')
  const output = components.add(toJsonSchema(spec.output, 'output'), 'output')
  const segments = compilePath(spec.http.path)
  const pathParams = segments.flatMap((s) => (s.kind === 'literal' ? [] : [s]))
  const props = input.properties ?? {}
  const required = new Set(input.required ?? [])
  const parameters: Json[] = pathParams.map((s) => ({
    name: s.name,
    in: 'path',
    required: true,
    schema: props[s.name] ?? { type: 'string' },
    ...(s.kind === 'rest' ? { description: `The rest of the path; a UCXL ${s.name} keeps its '/' separators (each segment percent-encoded on its own)` } : {}),
  }))
  const rest = Object.entries(props).filter(([k]) => !pathParams.some((p) => p.name === k))
  const op: Json = {
    operationId: camelName(name),
    summary: spec.summary,
    tags: [name.split('.')[0]!],
    'x-bzzz-call': name,
    'x-bzzz-access': accessText(spec),
    'x-bzzz-rate-bucket': spec.rate,
  }
  if (!BODY_METHODS.has(spec.http.method)) {
    for (const [k, schema] of rest) {
      const isArray = schema.type === 'array'
      parameters.push({ name: k, in: 'query', required: required.has(k) && schema.default === undefined, schema, ...(isArray ? { style: 'form', explode: true } : {}) })
    }
  } else if (rest.length > 0) {
    let body: JsonSchema = { ...input, properties: Object.fromEntries(rest), required: (input.required ?? []).filter((k) => rest.some(([r]) => r === k)) }
    if ((body.required ?? []).length === 0) delete body.required
    if (name === 'decisions.publish') {
      // The seeds' CI pipeline posts its own shape to /api/decisions/code (see http/ci-compat.ts).
      const ci = components.add(toJsonSchema(ciBodySchema, 'input'), 'input')
      body = { anyOf: [body, { ...ci, description: "The seeds' CI/CD body, accepted on /api/decisions/code only" }] }
    }
    op.requestBody = { required: rest.some(([k]) => required.has(k)), content: { 'application/json': { schema: body } } }
  }
  if (parameters.length > 0) op.parameters = parameters
  const ok = name === 'decisions.publish' ? '201' : '200'
  op.responses = { [ok]: { description: spec.summary, content: { 'application/json': { schema: output } } }, ...errorResponses(spec) }
  return { path: openApiPath(spec.http.path), method: spec.http.method.toLowerCase(), op }
}

/** The whole document; deterministic for a given contract and version. */
export function buildOpenApi(): Json {
  const components = new Components()
  const paths: Record<string, Json> = {
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness: the process is up (no token needed)',
        tags: ['node'],
        security: [],
        responses: {
          '200': {
            description: 'The peer process answers',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { status: { const: 'ok' }, version: { type: 'string' }, uptimeSeconds: { type: 'integer', minimum: 0 } },
                  required: ['status', 'version', 'uptimeSeconds'],
                },
              },
            },
          },
        },
      },
    },
  }
  for (const name of CALL_NAMES) {
    const { path, method, op } = operation(name, components)
    paths[path] = { ...paths[path], [method]: op }
  }
  const error = components.add(toJsonSchema(errorSchema, 'output'), 'output')
  const errorBody = { type: 'object', properties: { error }, required: ['error'] }
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } }
  const resolved = components.finalize({ paths, errorBody })
  return {
    openapi: '3.1.0',
    info: {
      title: 'BZZZ peer API',
      version: VERSION,
      summary: "A team's end-to-end encrypted log of architectural decisions: the local peer's HTTP API",
      description:
        'Generated from the contract (src-shared/contract/calls.ts); do not edit. Every call needs the API token from ' +
        'DATA_DIR/api-token as `Authorization: Bearer TOKEN`; the peer writes its URL to DATA_DIR/api.json. Errors are ' +
        '`{ "error": { "code", "message" } }` with a fixed set of codes. The same calls are available over the WebSocket ' +
        'at /api/events, as MCP tools at /api/mcp and through GraphQL at /api/graphql.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:{port}', description: 'The local peer', variables: { port: { default: '7450', description: 'The port in DATA_DIR/api.json' } } }],
    security: [{ bearer: [] }],
    tags: [...new Set(CALL_NAMES.map((n) => n.split('.')[0]!))].map((name) => ({ name })),
    paths: resolved.doc.paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token in DATA_DIR/api-token (never in the URL)' } },
      schemas: { ...resolved.schemas, ErrorBody: resolved.doc.errorBody },
      responses: {
        Error: { description: 'The call failed; `code` says why', content: errorContent },
        Unauthenticated: {
          description: 'Missing or wrong API token',
          headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="bzzz"' } },
          content: errorContent,
        },
        RateLimited: {
          description: 'Too many calls from this client for the call\'s rate bucket',
          headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 }, description: 'Seconds until a retry makes sense' } },
          content: errorContent,
        },
      },
    },
  }
}

/** The document as docs/openapi.json holds it. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`
}

/** GET /api/openapi.json, public (see the header comment). */
export function openApiRoute(): ExtraRoute {
  let text: string | undefined
  return {
    prefix: OPENAPI_PATH,
    public: true,
    handle(req: IncomingMessage, res: ServerResponse) {
      const path = (req.url ?? '').split('?', 1)[0]
      const status = path !== OPENAPI_PATH ? 404 : req.method !== 'GET' && req.method !== 'HEAD' ? 405 : 200
      text ??= openApiText()
      const body =
        status === 200
          ? text
          : JSON.stringify({ error: { code: status === 404 ? 'not_found' : 'invalid_input', message: status === 404 ? `no route for ${String(path).slice(0, 200)}` : `${req.method} is not allowed on ${OPENAPI_PATH}; use GET` } })
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...(status === 405 ? { Allow: 'GET' } : {}) })
      res.end(req.method === 'HEAD' ? undefined : body)
    },
  }
}
