// Which parts of a schema one operation uses, as schema coordinates: what the gateway records
// for each call, and what a schema change is judged against. The extraction depends only on the
// document and the schema, never on the variables, so it is cached by the document's hash.
//
// Coordinates, in the forms of the GraphQL schema coordinates proposal:
//   `Type.field`           a field selected (on the type the selection is made on)
//   `Type.field(arg:)`     an argument passed to it
//   `Enum.VALUE`           an enum value written as a literal
//   `Input.field`          an input field written in an object literal
//   `Type`                 an input type passed by variable (its fields are unknown until run time),
//                          or an object type named in a fragment's type condition
import {
  DocumentNode,
  getNamedType,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  Kind,
  OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';

export type OperationType = 'query' | 'mutation' | 'subscription';

export interface OperationUsage {
  operationType: OperationType;
  /** The operation's name, or undefined for an anonymous one. */
  operationName?: string;
  /** The root fields selected (without aliases), in document order, distinct. */
  rootFields: string[];
  /** Every coordinate the operation uses, sorted, distinct. */
  coordinates: string[];
  /** Only introspection (`__schema`, `__type`, `__typename` at the root): not usage of the service. */
  introspection: boolean;
}

/** The operation `operationName` picks (the only one when none is named), or undefined. */
export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((o) => o.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/**
 * The coordinates `operationName` of `document` uses in `schema`. Fragments are followed from the
 * operation (a fragment it does not spread adds nothing). Undefined when there is no such
 * operation; selections the schema does not know are skipped (validation reports those).
 */
export function extractUsage(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null): OperationUsage | undefined {
  const operation = selectOperation(document, operationName);
  if (!operation) return undefined;
  const fragments = new Map<string, import('graphql').FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const coordinates = new Set<string>();
  const rootFields: string[] = [];
  let serviceRootField = false;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) {
      serviceRootField = true; // a fragment at the root selects service fields (or typename only)
      continue;
    }
    const name = selection.name.value;
    if (!rootFields.includes(name)) rootFields.push(name);
    if (!name.startsWith('__')) serviceRootField = true;
  }

  // Each fragment is walked once per operation: a fragment spread twice adds the same coordinates.
  const pending: Array<import('graphql').ASTNode> = [operation];
  const seenFragments = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  // An input type given by variable: recorded as the type, since its fields are only known at run time.
  for (const v of operation.variableDefinitions ?? []) recordInputType(v.type, schema, coordinates);

  while (pending.length) {
    const node = pending.pop()!;
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Field(field) {
          const parent = typeInfo.getParentType();
          if (!parent || field.name.value.startsWith('__')) return;
          if (!typeInfo.getFieldDef()) return;
          coordinates.add(`${parent.name}.${field.name.value}`);
        },
        Argument(arg) {
          const parent = typeInfo.getParentType();
          const def = typeInfo.getFieldDef();
          // Arguments of @include/@skip and other directives are not the field's.
          if (typeInfo.getDirective()) return;
          if (parent && def && typeInfo.getArgument()) coordinates.add(`${parent.name}.${def.name}(${arg.name.value}:)`);
        },
        ObjectField(objectField) {
          const input = typeInfo.getParentInputType();
          const named = input && getNamedType(input);
          if (named && isInputObjectType(named) && (named as GraphQLInputObjectType).getFields()[objectField.name.value]) {
            coordinates.add(`${named.name}.${objectField.name.value}`);
          }
        },
        EnumValue(value) {
          const input = typeInfo.getInputType();
          const named = input && getNamedType(input);
          if (named && isEnumType(named) && (named as GraphQLEnumType).getValue(value.value))
            coordinates.add(`${named.name}.${value.value}`);
        },
        InlineFragment(fragment) {
          if (fragment.typeCondition) coordinates.add(fragment.typeCondition.name.value);
        },
        FragmentSpread(spread) {
          const name = spread.name.value;
          const fragment = fragments.get(name);
          if (!fragment || seenFragments.has(name)) return;
          seenFragments.add(name);
          coordinates.add(fragment.typeCondition.name.value);
          pending.push(fragment);
        },
      }),
    );
  }
  return {
    operationType: operation.operation as OperationType,
    operationName: operation.name?.value,
    rootFields,
    coordinates: [...coordinates].filter((c) => c.includes('.') || schema.getType(c)).sort(),
    introspection: !serviceRootField,
  };
}

function recordInputType(typeNode: import('graphql').TypeNode, schema: GraphQLSchema, into: Set<string>): void {
  let t = typeNode;
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  const type = schema.getType(t.name.value);
  if (type && isInputObjectType(type)) into.add(type.name);
}
