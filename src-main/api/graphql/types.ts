// GraphQL types from the contract's JSON Schema (see ../schema/json-schema.ts): objects become object types (input
// object types on the input side), string enums and unions of string literals enums, arrays lists, `oneOf` objects
// with a discriminating constant unions, required fields non-null. Integers within 32 bits are Int, other integers
// (timestamps, counters) SafeInt, since GraphQL's Int is 32-bit. Only genuinely open-ended values (z.unknown, records)
// are the JSON scalar. Named shared schemas keep their names; inline ones are named by their path.
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLError,
  GraphQLFloat,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLString,
  GraphQLUnionType,
  Kind,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
  type ValueNode,
} from 'graphql'
import { pascalName, resolveRef, type JsonSchema } from '../schema/json-schema.ts'

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
const NAME_RE = /^[_A-Za-z][_0-9A-Za-z]*$/

function safeInt(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new GraphQLError(`SafeInt must be an integer between -(2^53-1) and 2^53-1, not ${String(value).slice(0, 40)}`)
  return value
}

export const SafeIntScalar = new GraphQLScalarType({
  name: 'SafeInt',
  description: 'An integer up to 2^53-1 in magnitude (timestamps in milliseconds, counters): a JSON number',
  serialize: safeInt,
  parseValue: safeInt,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw new GraphQLError('SafeInt must be an integer literal', { nodes: ast })
    return safeInt(Number(ast.value))
  },
})

function literal(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.NULL:
      return null
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value)
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables))
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value, variables)]))
    case Kind.VARIABLE:
      return variables?.[ast.name.value]
  }
}

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value; used only where the contract itself leaves the value open (z.unknown, records)',
  serialize: (v) => v,
  parseValue: (v) => v,
  parseLiteral: literal,
})

type Io = 'input' | 'output'
type Defs = Record<string, JsonSchema> | undefined

function isStringEnum(s: JsonSchema): boolean {
  return (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) || typeof s.const === 'string'
}

function isIntegerInt32(s: JsonSchema): boolean {
  return typeof s.minimum === 'number' && typeof s.maximum === 'number' && s.minimum >= INT32_MIN && s.maximum <= INT32_MAX
}

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t) => t !== 'null')
    return types.length === 1 ? types[0] : undefined
  }
  return s.type
}

function checkName(name: string, where: string): string {
  if (!NAME_RE.test(name)) throw new Error(`${where}: '${name}' is not a valid GraphQL name`)
  return name
}

/** Builds and caches the GraphQL types of one schema; every generated type name is unique. */
export class TypeBuilder {
  private readonly named = new Map<string, { key: string; type: GraphQLOutputType | GraphQLInputType }>()

  /** The (nullable) output type of a JSON Schema; `name` names it (and, with a suffix, its inline parts). */
  output(schema: JsonSchema, defs: Defs, name: string): GraphQLOutputType {
    return this.build(schema, defs, name, 'output') as GraphQLOutputType
  }

  /** The (nullable) input type of a JSON Schema. */
  input(schema: JsonSchema, defs: Defs, name: string): GraphQLInputType {
    return this.build(schema, defs, name, 'input') as GraphQLInputType
  }

  /** Field arguments from an object schema's properties (required without default: non-null). */
  args(schema: JsonSchema, defs: Defs, name: string): GraphQLFieldConfigArgumentMap {
    const { schema: obj } = resolveRef(schema, defs)
    const out: GraphQLFieldConfigArgumentMap = {}
    for (const [prop, sub] of Object.entries(obj.properties ?? {})) {
      const type = this.input(sub, defs, `${name}${pascalName(prop)}`)
      const required = (obj.required ?? []).includes(prop) && sub.default === undefined
      out[checkName(prop, name)] = { type: required ? new GraphQLNonNull(type) : type, ...(sub.default === undefined ? {} : { defaultValue: sub.default }) }
    }
    return out
  }

  private build(schema: JsonSchema, defs: Defs, name: string, io: Io): GraphQLOutputType & GraphQLInputType {
    return this.buildAny(schema, defs, name, io) as GraphQLOutputType & GraphQLInputType
  }

  private buildAny(schema: JsonSchema, defs: Defs, name: string, io: Io): GraphQLOutputType | GraphQLInputType {
    if (schema.$ref !== undefined) {
      const target = resolveRef(schema, defs)
      return this.build(target.schema, defs, target.name!, io)
    }
    const variants = schema.oneOf ?? schema.anyOf
    if (variants !== undefined) return this.variants(variants, defs, name, io)
    if (isStringEnum(schema)) return this.enumOf(Array.isArray(schema.enum) ? (schema.enum as string[]) : [schema.const as string], name)
    switch (typeOf(schema)) {
      case 'string':
        return GraphQLString
      case 'boolean':
        return GraphQLBoolean
      case 'number':
        return GraphQLFloat
      case 'integer':
        return isIntegerInt32(schema) ? GraphQLInt : SafeIntScalar
      case 'array':
        return new GraphQLList(new GraphQLNonNull(schema.items === undefined ? JsonScalar : this.build(schema.items, defs, name, io)))
      case 'object':
        if (schema.properties === undefined || Object.keys(schema.properties).length === 0) return JsonScalar
        return io === 'output' ? this.objectType(schema, defs, name) : this.inputObjectType(schema, defs, name)
      default:
        return JsonScalar
    }
  }

  /** One type per name; the same name for a different schema is a generator bug, caught when the schema is built. */
  private cached<T extends GraphQLOutputType | GraphQLInputType>(name: string, schema: JsonSchema, make: () => T): T {
    const key = JSON.stringify(schema)
    const seen = this.named.get(name)
    if (seen !== undefined) {
      if (seen.key !== key) throw new Error(`two different schemas are both named '${name}' in the generated GraphQL schema`)
      return seen.type as T
    }
    const type = make()
    this.named.set(name, { key, type })
    return type
  }

  private objectType(schema: JsonSchema, defs: Defs, name: string): GraphQLObjectType {
    return this.cached(checkName(name, 'object type'), schema, () =>
      new GraphQLObjectType({
        name,
        fields: () => {
          const fields: GraphQLFieldConfigMap<unknown, unknown> = {}
          for (const [prop, sub] of Object.entries(schema.properties ?? {})) {
            const type = this.output(sub, defs, `${name}${pascalName(prop)}`)
            fields[checkName(prop, name)] = { type: (schema.required ?? []).includes(prop) ? new GraphQLNonNull(type) : type }
          }
          return fields
        },
      }),
    )
  }

  private inputObjectType(schema: JsonSchema, defs: Defs, name: string): GraphQLInputObjectType {
    const typeName = `${name}Input`
    return this.cached(checkName(typeName, 'input type'), schema, () =>
      new GraphQLInputObjectType({
        name: typeName,
        fields: () => {
          const fields: GraphQLInputFieldConfigMap = {}
          for (const [prop, sub] of Object.entries(schema.properties ?? {})) {
            const type = this.input(sub, defs, `${name}${pascalName(prop)}`)
            const required = (schema.required ?? []).includes(prop) && sub.default === undefined
            fields[checkName(prop, typeName)] = { type: required ? new GraphQLNonNull(type) : type, ...(sub.default === undefined ? {} : { defaultValue: sub.default }) }
          }
          return fields
        },
      }),
    )
  }

  /** A string enum; a named schema (Role, DecisionType...) is one enum wherever it is used, an inline one is named by its path. */
  private enumOf(values: string[], name: string): GraphQLEnumType {
    return this.cached(checkName(name, 'enum'), { enum: values }, () =>
      new GraphQLEnumType({ name, values: Object.fromEntries(values.map((v) => [checkName(v, name), { value: v }])) }),
    )
  }

  private variants(variants: JsonSchema[], defs: Defs, name: string, io: Io): GraphQLOutputType | GraphQLInputType {
    const resolved = variants.map((v) => resolveRef(v, defs).schema).filter((v) => v.type !== 'null')
    if (resolved.length === 1) return this.build(resolved[0]!, defs, name, io)
    if (resolved.every(isStringEnum)) return this.enumOf([...new Set(resolved.flatMap((v) => (Array.isArray(v.enum) ? (v.enum as string[]) : [v.const as string])))], name)
    const discriminator = io === 'output' ? discriminatorOf(resolved) : undefined
    if (discriminator === undefined) return JsonScalar
    const members = resolved.map((v) => {
      const value = v.properties![discriminator]!.const
      const suffix = typeof value === 'boolean' ? `${value ? '' : 'Not'}${pascalName(discriminator)}` : pascalName(String(value))
      return { value, type: this.objectType(v, defs, `${name}${suffix}`) }
    })
    return this.cached(checkName(name, 'union'), { oneOf: resolved }, () =>
      new GraphQLUnionType({
        name,
        types: members.map((m) => m.type),
        resolveType: (value: unknown) => members.find((m) => (value as Record<string, unknown> | null)?.[discriminator] === m.value)?.type.name,
      }),
    )
  }
}

/** The property every variant fixes to a different constant (a discriminated union), if there is one. */
function discriminatorOf(variants: JsonSchema[]): string | undefined {
  if (!variants.every((v) => typeOf(v) === 'object' && v.properties !== undefined)) return undefined
  const candidates = Object.keys(variants[0]!.properties!).filter((k) => variants.every((v) => v.properties![k]?.const !== undefined))
  return candidates.find((k) => new Set(variants.map((v) => v.properties![k]!.const)).size === variants.length)
}
