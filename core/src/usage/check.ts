// A schema change judged against recorded traffic: graphql-inspector lists what changed and how
// severe each change is; each breaking change is then mapped to the coordinates whose users it
// breaks, and those are looked up in the usage an environment recorded over a window. A breaking
// change nothing used passes; one that recorded operations used blocks (unless forced).
import { diff, type Change } from '@graphql-inspector/core';
import { getNamedType, GraphQLSchema, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';

/** One aggregate of recorded usage: `calls` calls of one operation by one client used `coordinate`. */
export interface UsageRow {
  coordinate: string;
  operationHash: string;
  operationName?: string | null;
  /** The client key's name (production) or the developer key's label (elsewhere). */
  client: string;
  calls: number;
}

export type ChangeLevel = 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';

export interface AffectedOperation {
  hash: string;
  name?: string;
  calls: number;
}

export interface ChangeUsage {
  operations: AffectedOperation[];
  clients: string[];
  calls: number;
}

export interface JudgedChange {
  /** graphql-inspector's change type, e.g. `FIELD_REMOVED`. */
  type: string;
  level: ChangeLevel;
  message: string;
  /** Where in the schema, e.g. `Post.title` or `Query.posts.first`. */
  path?: string;
  /** The coordinates whose users a breaking change breaks; empty for the other levels. */
  coordinates: string[];
  /** For a breaking change: the recorded usage of those coordinates (no operations: nothing used it). */
  usage?: ChangeUsage;
}

export interface SchemaCheck {
  days: number;
  changes: JudgedChange[];
  /** Breaking changes that recorded operations used: what refuses a promote. */
  blocking: JudgedChange[];
}

/** Compares `served` with `candidate` and judges every breaking change against `usage` (rows of the last `days` days). */
export async function checkSchemaChange(
  served: GraphQLSchema,
  candidate: GraphQLSchema,
  usage: readonly UsageRow[],
  days: number,
): Promise<SchemaCheck> {
  const changes = await diff(served, candidate);
  const judged = changes.map((change) => judge(change, served, usage));
  return { days, changes: judged, blocking: judged.filter((c) => c.usage && c.usage.operations.length > 0) };
}

function judge(change: Change, served: GraphQLSchema, usage: readonly UsageRow[]): JudgedChange {
  const level = change.criticality.level as ChangeLevel;
  const base = { type: change.type, level, message: change.message, path: change.path };
  if (level !== 'BREAKING') return { ...base, coordinates: [] };
  const match = affectedCoordinates(change, served);
  return { ...base, coordinates: [...match.exact, ...match.prefixes.map((p) => `${p}*`)], usage: usageOf(match, usage) };
}

interface CoordinateMatch {
  exact: string[];
  /** A type's own coordinates: `Post.` matches `Post.title` and `Post.title(x:)`. */
  prefixes: string[];
}

/** Which recorded coordinates a breaking change breaks. Where the mapping is not exact it errs on the side of "used". */
export function affectedCoordinates(change: Pick<Change, 'type' | 'path' | 'meta'>, served: GraphQLSchema): CoordinateMatch {
  const m = (change.meta ?? {}) as Record<string, string>;
  const typeWide = (name: string): CoordinateMatch => ({ exact: [name], prefixes: [`${name}.`] });
  switch (change.type) {
    case 'FIELD_REMOVED':
      return { exact: [`${m.typeName}.${m.removedFieldName}`], prefixes: [] };
    case 'FIELD_TYPE_CHANGED':
      return { exact: [`${m.typeName}.${m.fieldName}`], prefixes: [] };
    case 'FIELD_ARGUMENT_REMOVED':
      return { exact: [`${m.typeName}.${m.fieldName}(${m.removedFieldArgumentName}:)`], prefixes: [] };
    case 'FIELD_ARGUMENT_TYPE_CHANGED':
      return { exact: [`${m.typeName}.${m.fieldName}(${m.argumentName}:)`], prefixes: [] };
    case 'FIELD_ARGUMENT_ADDED':
      // A new required argument breaks every call of the field, whether it passed arguments or not.
      return { exact: [`${m.typeName}.${m.fieldName}`], prefixes: [] };
    case 'ENUM_VALUE_REMOVED':
      // Written as a literal, passed by variable to an argument of the enum, or read from a field of it.
      return { exact: [`${m.enumName}.${m.removedEnumValueName}`, ...coordinatesOfNamedType(served, m.enumName)], prefixes: [] };
    case 'INPUT_FIELD_REMOVED':
      return { exact: [`${m.inputName}.${m.removedFieldName}`, m.inputName], prefixes: [] };
    case 'INPUT_FIELD_TYPE_CHANGED':
      return { exact: [`${m.inputName}.${m.inputFieldName}`, m.inputName], prefixes: [] };
    case 'INPUT_FIELD_ADDED':
      // A new required input field breaks every value of the type, literal or by variable.
      return typeWide(m.inputName);
    case 'TYPE_REMOVED':
      return typeWide(m.removedTypeName);
    case 'TYPE_KIND_CHANGED':
      return typeWide(m.typeName);
    case 'UNION_MEMBER_REMOVED':
      return { exact: [m.removedUnionMemberTypeName], prefixes: [] };
    case 'OBJECT_TYPE_INTERFACE_REMOVED':
      return { exact: [m.objectTypeName], prefixes: [] };
    case 'SCHEMA_QUERY_TYPE_CHANGED':
      return typeWide(m.oldQueryTypeName);
    case 'SCHEMA_MUTATION_TYPE_CHANGED':
      return typeWide(m.oldMutationTypeName);
    case 'SCHEMA_SUBSCRIPTION_TYPE_CHANGED':
      return typeWide(m.oldSubscriptionTypeName);
    default: {
      // Anything else breaking (directive changes an operation could use): judged by its path.
      const parts = (change.path ?? '').split('.').filter(Boolean);
      if (parts.length >= 3) return { exact: [`${parts[0]}.${parts[1]}(${parts[2]}:)`, `${parts[0]}.${parts[1]}`], prefixes: [] };
      if (parts.length === 2) return { exact: [`${parts[0]}.${parts[1]}`], prefixes: [] };
      if (parts.length === 1) return typeWide(parts[0]);
      return { exact: [], prefixes: [''] };
    }
  }
}

/** Fields and arguments whose type is `typeName` (through lists and non-null). */
function coordinatesOfNamedType(schema: GraphQLSchema, typeName: string): string[] {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name === typeName) out.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (getNamedType(arg.type).name === typeName) out.push(`${type.name}.${field.name}(${arg.name}:)`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()))
        if (getNamedType(field.type).name === typeName) out.push(`${type.name}.${field.name}`, type.name);
    }
  }
  return out;
}

function usageOf(match: CoordinateMatch, rows: readonly UsageRow[]): ChangeUsage {
  const exact = new Set(match.exact);
  // One call of an operation uses each of its coordinates once: an operation's calls are the most
  // any one matching coordinate recorded for it, per client, never their sum.
  const perOperationClient = new Map<string, { hash: string; name?: string; client: string; calls: number }>();
  for (const row of rows) {
    if (!exact.has(row.coordinate) && !match.prefixes.some((p) => row.coordinate.startsWith(p))) continue;
    const key = `${row.operationHash}\u0000${row.client}`;
    const seen = perOperationClient.get(key);
    if (!seen)
      perOperationClient.set(key, { hash: row.operationHash, name: row.operationName ?? undefined, client: row.client, calls: row.calls });
    else seen.calls = Math.max(seen.calls, row.calls);
  }
  const operations = new Map<string, AffectedOperation>();
  const clients = new Set<string>();
  let calls = 0;
  for (const u of perOperationClient.values()) {
    clients.add(u.client);
    calls += u.calls;
    const op = operations.get(u.hash);
    if (op) op.calls += u.calls;
    else operations.set(u.hash, { hash: u.hash, name: u.name, calls: u.calls });
  }
  return {
    operations: [...operations.values()].sort((a, b) => b.calls - a.calls || (a.name ?? '').localeCompare(b.name ?? '')),
    clients: [...clients].sort(),
    calls,
  };
}

const count = (n: number) => n.toLocaleString('en-US');

/** One line for a judged breaking change: what breaks, whom, how often; or that nothing used it. */
export function describeChange(change: JudgedChange, days: number): string {
  if (change.level !== 'BREAKING') return `${change.message} (${change.level === 'DANGEROUS' ? 'dangerous' : 'safe'})`;
  const u = change.usage;
  if (!u || !u.operations.length) return `${change.message}: breaking, but no recorded call used it in ${days} days`;
  const ops = u.operations.map((o) => o.name ?? `anonymous ${o.hash.slice(0, 8)}`);
  const shown = ops.length > 5 ? `${ops.slice(0, 5).join(', ')}, …` : ops.join(', ');
  return (
    `${change.message}: breaks ${count(u.operations.length)} operation${u.operations.length === 1 ? '' : 's'} (${shown}) ` +
    `of ${count(u.clients.length)} client${u.clients.length === 1 ? '' : 's'} (${u.clients.join(', ')}), ${count(u.calls)} call${u.calls === 1 ? '' : 's'} in ${days} days`
  );
}
