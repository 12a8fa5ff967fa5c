// What the schema's CodeLens say and where, as pure functions of the schema text and the service's
// state (no `vscode`): the top lenses (push, promote) and one lens per Query/Mutation field.
// Only graphql-js's parser is loaded (not all of graphql), which keeps the extension bundle small.
import { parse } from 'graphql/language/parser';
import type { DocumentNode, FieldDefinitionNode, TypeNode } from 'graphql/language/ast';
import { Kind } from 'graphql/language/kinds';
import type { Service } from '../../../apiclient/src/types';
import { environmentSummary } from '../format';
import { resolverPath } from '../serviceFolder';

/** A Query or Mutation field and where its lens goes (0-based, like VS Code positions). */
export interface ResolverField {
  operation: 'queries' | 'mutations';
  /** The root type's name: Query, Mutation, or what `schema { query: ... }` names. */
  rootType: string;
  field: string;
  line: number;
  character: number;
  /** The resolver's path in the service folder: src/resolvers/queries/<field>.ts. */
  file: string;
  /** The TypeScript type of the field's arguments, for a typed stub. */
  argsType: string;
}

/**
 * The Query and Mutation fields of a schema (type definitions and extensions alike), in order.
 * Tolerant: a schema that does not parse has none (the top lenses stay), and says why.
 */
export function resolverFields(text: string): { fields: ResolverField[]; syntaxError?: string } {
  let doc: DocumentNode;
  try {
    doc = parse(text, { noLocation: false });
  } catch (e) {
    return { fields: [], syntaxError: (e as Error).message };
  }
  const roots = { query: 'Query', mutation: 'Mutation' };
  for (const def of doc.definitions) {
    if (def.kind !== Kind.SCHEMA_DEFINITION && def.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const op of def.operationTypes ?? []) {
      if (op.operation === 'query') roots.query = op.type.name.value;
      if (op.operation === 'mutation') roots.mutation = op.type.name.value;
    }
  }
  const fields: ResolverField[] = [];
  const seen = new Set<string>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const name = def.name.value;
    const operation = name === roots.query ? 'queries' : name === roots.mutation ? 'mutations' : undefined;
    if (!operation) continue;
    for (const field of def.fields ?? []) {
      const key = `${operation}/${field.name.value}`;
      // A duplicate field is the language server's error to report; one lens is enough.
      if (seen.has(key) || !field.loc) continue;
      seen.add(key);
      fields.push({
        operation,
        rootType: name,
        field: field.name.value,
        line: field.loc.startToken.line - 1,
        character: field.loc.startToken.column - 1,
        file: resolverPath(operation, field.name.value),
        argsType: argsType(field),
      });
    }
  }
  return { fields };
}

const TS_SCALARS: Record<string, string> = {
  String: 'string',
  ID: 'string',
  Int: 'number',
  Float: 'number',
  Boolean: 'boolean',
  DateTime: 'string',
  Date: 'string',
  BigInt: 'string',
  Decimal: 'string',
  JSON: 'unknown',
};

/** The TypeScript type of a field's arguments (as the language server's "create resolver" quick fix types them). */
export function argsType(field: FieldDefinitionNode): string {
  if (!field.arguments?.length) return 'Record<string, never>';
  const members = field.arguments.map((a) => {
    const t = unwrap(a.type);
    const base = TS_SCALARS[t.name] ?? 'unknown';
    const ts = t.list ? `${base}[]` : base;
    return `${a.name.value}${t.nonNull ? '' : '?'}: ${ts}${t.nonNull ? '' : ' | null'}`;
  });
  return `{ ${members.join('; ')} }`;
}

function unwrap(type: TypeNode): { name: string; list: boolean; nonNull: boolean } {
  const nonNull = type.kind === Kind.NON_NULL_TYPE;
  let t = type;
  let list = false;
  while (t.kind !== Kind.NAMED_TYPE) {
    if (t.kind === Kind.LIST_TYPE) list = true;
    t = t.type;
  }
  return { name: t.name.value, list, nonNull };
}

/** What the platform knows of the service the schema belongs to. */
export type ServiceState =
  /** codestore.yaml has no serviceId yet. */
  | { kind: 'noServiceId' }
  /** Not logged in, the platform is not reachable, or it has not answered yet. */
  | { kind: 'unknown'; why?: string }
  /** The current organization has no service with this id (another may: a teammate's folder). */
  | { kind: 'notFound'; serviceId: string; organization?: string }
  | { kind: 'known'; service: Service };

export interface TopLens {
  title: string;
  /** Which command the lens runs. */
  action: 'push' | 'promote' | 'createService' | 'login' | 'switchOrganization';
}

/** The lenses at the top of schema.graphql and codestore.yaml: push to private, promote to demo, with each environment's status. */
export function topLenses(state: ServiceState): TopLens[] {
  switch (state.kind) {
    case 'noServiceId':
      return [
        { title: '$(add) Create the service on the platform (codestore.yaml has no serviceId)', action: 'createService' },
        { title: '$(cloud-upload) Push to private', action: 'push' },
      ];
    case 'notFound':
      // The folder may be another organization's service (switched away, or a teammate's folder):
      // switching back is offered before creating a second service.
      return state.organization
        ? [
            {
              title: `$(warning) ${state.organization} has no service ${state.serviceId}: switch organization`,
              action: 'switchOrganization',
            },
            { title: `$(add) Create it in ${state.organization}`, action: 'createService' },
          ]
        : [{ title: `$(warning) The platform has no service ${state.serviceId}: create it`, action: 'createService' }];
    case 'unknown':
      return [
        { title: '$(cloud-upload) Push to private', action: 'push' },
        { title: '$(arrow-up) Promote to demo', action: 'promote' },
        ...(state.why ? [{ title: `$(account) ${state.why}`, action: 'login' as const }] : []),
      ];
    case 'known': {
      const env = (name: string) => state.service.environments.find((e) => e.name === name);
      const priv = env('private');
      const demo = env('demo');
      const push = `$(cloud-upload) Push to private${priv ? ` · ${environmentSummary(priv)}` : ''}`;
      const serving = priv?.currentVersion?.version;
      const promote = `$(arrow-up) Promote ${serving ? `v${serving} ` : ''}to demo${demo ? ` · ${environmentSummary(demo)}` : ''}`;
      return [
        { title: push, action: 'push' },
        { title: promote, action: 'promote' },
      ];
    }
  }
}
