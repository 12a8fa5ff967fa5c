// Recorded traffic in the editor: an edit that would break operations clients called is warned
// about where it is made, each field's hover says how much it is called, deprecated fields still
// called and fields nobody called are hinted at. The usage comes from the platform through the
// extension (SchemaUsageNotification); nothing here talks to the network.
import { buildASTSchema, GraphQLSchema, Kind, type ASTNode, type NameNode } from 'graphql';
import { Diagnostic, DiagnosticSeverity, DiagnosticTag, Range } from 'vscode-languageserver';
import { checkSchemaChange, JudgedChange, UsageRow } from '../../../core/src/usage/check';
import { servedSchema } from '../../../core/src/usage/servedSchema';
import type { EnvironmentUsage } from '../../protocol/protocol';
import { declarationsOf, rangeOfNode, SchemaDocument } from './document';

export const BREAKS_CLIENTS_CODE = 'breaks-clients';
export const DEPRECATED_IN_USE_CODE = 'deprecated-in-use';
export const UNUSED_FIELD_CODE = 'unused-field';

const count = (n: number) => n.toLocaleString('en-US');
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

interface CoordinateTotal {
  calls: number;
  clients: Set<string>;
}

const totalsCache = new WeakMap<EnvironmentUsage, Map<string, CoordinateTotal>>();

/** Calls and clients per coordinate of one environment. */
function totals(env: EnvironmentUsage): Map<string, CoordinateTotal> {
  let found = totalsCache.get(env);
  if (found) return found;
  found = new Map();
  for (const op of env.operations) {
    for (const c of op.coordinates) {
      let t = found.get(c);
      if (!t) found.set(c, (t = { calls: 0, clients: new Set() }));
      t.calls += op.calls;
      t.clients.add(op.client);
    }
  }
  totalsCache.set(env, found);
  return found;
}

function rowsOf(env: EnvironmentUsage): UsageRow[] {
  return env.operations.flatMap((op) =>
    op.coordinates.map((coordinate) => ({
      coordinate,
      operationHash: op.hash,
      operationName: op.name,
      client: op.client,
      calls: op.calls,
    })),
  );
}

const servedCache = new Map<string, GraphQLSchema | null>();

/** The schema an environment serves, built once per SDL (null when it does not build). */
function served(sdl: string): GraphQLSchema | null {
  if (servedCache.has(sdl)) return servedCache.get(sdl)!;
  let schema: GraphQLSchema | null;
  try {
    schema = servedSchema(sdl);
  } catch {
    schema = null;
  }
  if (servedCache.size > 32) servedCache.delete(servedCache.keys().next().value!);
  servedCache.set(sdl, schema);
  return schema;
}

/** The usage line of a hover for `coordinate` (`Post.title`, `Kind.NEWS`, `Query.posts(first:)`), or undefined. */
export function usageHover(usage: readonly EnvironmentUsage[] | undefined, coordinate: string): string | undefined {
  if (!usage?.length) return undefined;
  const parts: string[] = [];
  for (const env of usage) {
    if (!env.schema) continue;
    const t = totals(env).get(coordinate);
    parts.push(
      t
        ? `${plural(t.calls, 'call')} in ${env.days} days from ${plural(t.clients.size, 'client')}, ${env.label}`
        : `no calls in ${env.days} days, ${env.label}`,
    );
  }
  return parts.length ? `**Usage** ${parts.join(' · ')}` : undefined;
}

/**
 * Warnings for the changes between what each environment serves and this document that break
 * operations recorded there: at the place of the change where it still exists, else on its type.
 * Call it on a document without errors.
 */
export async function breakingUsageDiagnostics(doc: SchemaDocument, usage: readonly EnvironmentUsage[] | undefined): Promise<Diagnostic[]> {
  if (!usage?.length) return [];
  let candidate: GraphQLSchema;
  try {
    candidate = buildASTSchema(doc.analysis.documentWithPrelude(), { assumeValidSDL: true });
  } catch {
    return [];
  }
  // One diagnostic per change, naming what it breaks in each environment.
  const byChange = new Map<string, { change: JudgedChange; envs: Array<{ env: EnvironmentUsage; change: JudgedChange }> }>();
  for (const env of usage) {
    const schema = env.schema ? served(env.schema) : null;
    if (!schema || !env.operations.length) continue;
    const check = await checkSchemaChange(schema, candidate, rowsOf(env), env.days);
    for (const change of check.blocking) {
      const key = `${change.type} ${change.path}`;
      let entry = byChange.get(key);
      if (!entry) byChange.set(key, (entry = { change, envs: [] }));
      entry.envs.push({ env, change });
    }
  }
  const out: Diagnostic[] = [];
  for (const { change, envs } of byChange.values()) {
    const breaks = envs.map(({ env, change: c }) => {
      const u = c.usage!;
      const ops = u.operations.map((o) => o.name ?? `anonymous ${o.hash.slice(0, 8)}`);
      return (
        `${plural(u.operations.length, 'operation')} (${ops.slice(0, 5).join(', ')}${ops.length > 5 ? ', …' : ''}) of ${plural(u.clients.length, 'client')} ` +
        `(${u.clients.join(', ')}), ${plural(u.calls, 'call')} in ${env.days} days in ${env.label}`
      );
    });
    out.push({
      range: changeRange(doc, change),
      severity: DiagnosticSeverity.Warning,
      source: 'codestore',
      code: BREAKS_CLIENTS_CODE,
      message: `${change.message}: this breaks ${breaks.join('; and ')}. Keep it (mark it @deprecated) until no client calls it; promoting this version will be refused without --force.`,
    });
  }
  return out;
}

const TYPE_CHANGES = new Set(['FIELD_TYPE_CHANGED', 'FIELD_ARGUMENT_TYPE_CHANGED', 'INPUT_FIELD_TYPE_CHANGED']);

type Named = ASTNode & {
  name?: NameNode;
  type?: ASTNode;
  fields?: readonly Named[];
  values?: readonly Named[];
  arguments?: readonly Named[];
};

/** Where a change is in the document: the deepest part of its path that still exists. */
function changeRange(doc: SchemaDocument, change: JudgedChange): Range {
  const start: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const parts = (change.path ?? '').split('.');
  const decls = declarationsOf(doc, parts[0]).map((d) => d.node as Named);
  if (!decls.length) return start;
  let node: Named = decls[0];
  if (parts[1]) {
    const member = decls.flatMap((d) => [...(d.fields ?? []), ...(d.values ?? [])]).find((m) => m.name?.value === parts[1]);
    if (member) {
      node = member;
      if (parts[2]) {
        const arg = (member.arguments ?? []).find((a) => a.name?.value === parts[2]);
        if (arg) node = arg;
      }
    }
  }
  const target = TYPE_CHANGES.has(change.type) && node.type ? node.type : (node.name ?? node);
  return rangeOfNode(doc, target) ?? start;
}

/**
 * Hints from usage: a field marked @deprecated that clients still call, and a field no client
 * called in any environment with traffic (a candidate for removal, shown faded).
 */
export function usageHints(doc: SchemaDocument, usage: readonly EnvironmentUsage[] | undefined): Diagnostic[] {
  const withTraffic = (usage ?? []).filter((e) => e.schema && e.operations.length);
  if (!withTraffic.length) return [];
  const out: Diagnostic[] = [];
  for (const def of doc.analysis.document().definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.INTERFACE_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    for (const field of def.fields ?? []) {
      const coordinate = `${def.name.value}.${field.name.value}`;
      const range = rangeOfNode(doc, field.name);
      if (!range) continue;
      const calledIn = withTraffic.map((env) => ({ env, t: totals(env).get(coordinate) })).filter((x) => x.t);
      const deprecated = field.directives?.some((d) => d.name.value === 'deprecated');
      if (deprecated && calledIn.length) {
        const where = calledIn.map(
          ({ env, t }) => `${plural(t!.calls, 'call')} in ${env.days} days from ${[...t!.clients].sort().join(', ')} (${env.label})`,
        );
        out.push({
          range,
          severity: DiagnosticSeverity.Information,
          source: 'codestore',
          code: DEPRECATED_IN_USE_CODE,
          message: `${coordinate} is deprecated but still called: ${where.join('; ')}.`,
        });
        continue;
      }
      // Only a field every environment with traffic serves can be said to be unused there.
      const servedEverywhere = withTraffic.every((env) => {
        const schema = served(env.schema!);
        const type = schema?.getType(def.name.value) as { getFields?: () => Record<string, unknown> } | undefined;
        return !!type?.getFields?.()[field.name.value];
      });
      if (!calledIn.length && servedEverywhere) {
        const days = Math.max(...withTraffic.map((e) => e.days));
        out.push({
          range,
          severity: DiagnosticSeverity.Hint,
          tags: [DiagnosticTag.Unnecessary],
          source: 'codestore',
          code: UNUSED_FIELD_CODE,
          message: `No client called ${coordinate} in the last ${days} days (${withTraffic.map((e) => e.label).join(', ')}): a candidate for removal.`,
        });
      }
    }
  }
  return out;
}
