// Limits against abusive GraphQL documents, as validation rules (checked before anything executes):
// - depth: the deepest chain of selections in an operation, fragments expanded (MAX_DEPTH);
// - cost: an estimate of the work an operation asks for (MAX_COST): every field costs 1, a root field ROOT_FIELD_COST
//   (it runs a contract call in the core), and whatever is selected below a list is counted LIST_FACTOR times.
//   Aliases repeat a field, so they repeat its cost: a thousand aliased calls cannot hide in one small document.
// Introspection (__schema, __type) is left to graphql-js's own MaxIntrospectionDepthRule. Fragments are measured once
// each (memoized), so a document of fragments spreading each other cannot make the check itself expensive.
import {
  getNamedType,
  GraphQLError,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql'

export const MAX_DEPTH = 8
export const MAX_COST = 2_000
export const ROOT_FIELD_COST = 50
export const LIST_FACTOR = 10

const INTROSPECTION_ROOTS = new Set(['__schema', '__type'])

function fragmentsOf(context: ValidationContext): Map<string, FragmentDefinitionNode> {
  const map = new Map<string, FragmentDefinitionNode>()
  for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) map.set(def.name.value, def)
  return map
}

/** Depth of a selection set: 1 for a leaf field, 1 + its children for a field with a selection. */
function depthOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, memo: Map<string, number>, visiting: Set<string>): number {
  let max = 0
  for (const sel of set.selections) {
    let d: number
    if (sel.kind === Kind.FIELD) {
      if (INTROSPECTION_ROOTS.has(sel.name.value)) continue
      d = 1 + (sel.selectionSet === undefined ? 0 : depthOf(sel.selectionSet, fragments, memo, visiting))
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      d = depthOf(sel.selectionSet, fragments, memo, visiting)
    } else {
      const name = sel.name.value
      const fragment = fragments.get(name)
      // Unknown and cyclic fragments are reported by the specified rules; here they add nothing.
      if (fragment === undefined || visiting.has(name)) continue
      let known = memo.get(name)
      if (known === undefined) {
        visiting.add(name)
        known = depthOf(fragment.selectionSet, fragments, memo, visiting)
        visiting.delete(name)
        memo.set(name, known)
      }
      d = known
    }
    if (d > max) max = d
  }
  return max
}

export function depthLimitRule(maxDepth = MAX_DEPTH): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = fragmentsOf(context)
    const memo = new Map<string, number>()
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, fragments, memo, new Set())
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`the ${node.name?.value ? `operation '${node.name.value}'` : 'operation'} is ${depth} levels deep; the limit is ${maxDepth}`, {
              nodes: [node],
              extensions: { code: 'query_too_deep', depth, maxDepth },
            }),
          )
        }
      },
    }
  }
}

function listMultiplier(type: GraphQLOutputType): number {
  let t: GraphQLOutputType = type
  let factor = 1
  for (;;) {
    if (isNonNullType(t)) t = t.ofType
    else if (isListType(t)) {
      factor *= LIST_FACTOR
      t = t.ofType
    } else return factor
  }
}

interface CostWalk {
  context: ValidationContext
  fragments: Map<string, FragmentDefinitionNode>
  memo: Map<string, number>
  visiting: Set<string>
}

function costOf(set: SelectionSetNode, parent: GraphQLNamedType | undefined, root: boolean, walk: CostWalk): number {
  const schema = walk.context.getSchema()
  let total = 0
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const name = sel.name.value
      if (INTROSPECTION_ROOTS.has(name)) continue
      const field = parent !== undefined && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined
      const children = sel.selectionSet === undefined ? 0 : costOf(sel.selectionSet, field === undefined ? undefined : getNamedType(field.type), false, walk)
      total += (root ? ROOT_FIELD_COST : 1) + (field === undefined ? 1 : listMultiplier(field.type)) * children
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      const on = sel.typeCondition === undefined ? parent : schema.getType(sel.typeCondition.name.value)
      total += costOf(sel.selectionSet, on ?? undefined, root, walk)
    } else {
      const name = sel.name.value
      const fragment = walk.fragments.get(name)
      if (fragment === undefined || walk.visiting.has(name)) continue
      const key = `${root ? 'root' : 'inner'}:${name}`
      let known = walk.memo.get(key)
      if (known === undefined) {
        walk.visiting.add(name)
        known = costOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, root, walk)
        walk.visiting.delete(name)
        walk.memo.set(key, known)
      }
      total += known
    }
    // Past the limit the exact figure does not matter; stop counting before the numbers explode.
    if (total > Number.MAX_SAFE_INTEGER / (LIST_FACTOR * 4)) return total
  }
  return total
}

export function costLimitRule(maxCost = MAX_COST): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const walk: CostWalk = { context, fragments: fragmentsOf(context), memo: new Map(), visiting: new Set() }
    return {
      OperationDefinition(node) {
        const rootType = context.getSchema().getRootType(node.operation) ?? undefined
        const cost = costOf(node.selectionSet, rootType, true, walk)
        if (cost > maxCost) {
          context.reportError(
            new GraphQLError(
              `the ${node.name?.value ? `operation '${node.name.value}'` : 'operation'} is estimated at ${cost} cost units; the limit is ${maxCost} ` +
                `(each top-level field ${ROOT_FIELD_COST}, each other field 1, selections under a list x${LIST_FACTOR}); split it into smaller requests`,
              { nodes: [node], extensions: { code: 'query_too_complex', cost, maxCost } },
            ),
          )
        }
      },
    }
  }
}
