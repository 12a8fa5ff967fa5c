// The platform's own rules: what makes a valid schema a valid data model and a deployable
// service. Only for schemas inside a service folder.
import { ASTNode, Kind, ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from 'graphql';
import { buildModel, DataModel, directive, Entity } from '../model/model';
import type { SchemaAnalysis } from './analysis';
import type { SchemaDiagnostic } from './diagnostics';
import { resolverPath, ResolverOperation, SCHEMA_PATH } from '../service-folder/paths';

export interface ResolverFiles {
  /** Field names that have `src/resolvers/queries/<field>.ts`. */
  queries: ReadonlySet<string>;
  /** Field names that have `src/resolvers/mutations/<field>.ts`. */
  mutations: ReadonlySet<string>;
}

/** A resolver file whose field is not in the schema: a warning on that file, in every host. */
export interface OrphanResolver {
  /** Relative to the service folder. */
  file: string;
  operation: ResolverOperation;
  field: string;
  code: typeof ORPHAN_RESOLVER_CODE;
  message: string;
}

export const ORPHAN_RESOLVER_CODE = 'orphan-resolver';

export interface PlatformCheck {
  diagnostics: SchemaDiagnostic[];
  /** Resolver files whose field no longer exists, relative to the service folder. */
  orphanResolvers: OrphanResolver[];
  model: DataModel;
}

/** The data model of the analysis's current text (computed once per version). */
export function modelOf(analysis: SchemaAnalysis): DataModel {
  return analysis.memo('model', () => buildModel(analysis.documentWithPrelude()));
}

export function checkPlatformRules(analysis: SchemaAnalysis, resolvers: ResolverFiles | undefined): PlatformCheck {
  const doc = analysis.documentWithPrelude();
  const model = modelOf(analysis);
  const out: SchemaDiagnostic[] = [];
  let found = 0;
  const at = (node: ASTNode, d: Omit<SchemaDiagnostic, 'start' | 'end'>) => {
    found++;
    const range = analysis.rangeOf(node);
    if (range) out.push({ ...range, ...d });
  };

  for (const entity of model.entities.values()) {
    // The checks of an entity read nothing but the entity; the model hands out the same object for
    // an unchanged one, so one found without problems needs no checking again.
    if (cleanEntities.has(entity)) continue;
    const before = found;
    checkEntity(entity);
    if (found === before) cleanEntities.add(entity);
  }
  function checkEntity(entity: Entity): void {
    if (entity.idFields.length === 0) {
      const insertAt = entityBodyStart(analysis, entity.node);
      at(entity.node.name, {
        severity: 'error',
        code: 'entity-missing-id',
        message: `"${entity.name}" is stored as a table and needs exactly one \`ID\` field: add \`id: ID!\`, or mark the type @transient if it is not stored.`,
        data: insertAt === undefined ? undefined : { kind: 'missing-id', typeName: entity.name, insertAt, indent: '  ' },
      });
    } else if (entity.idFields.length > 1) {
      for (const f of entity.idFields.slice(1)) {
        at(f.node.name, {
          severity: 'error',
          code: 'entity-multiple-ids',
          message: `"${entity.name}" already has the key field "${entity.idFields[0].name}": an entity has exactly one \`ID\` field. Change this field to \`String\`, or remove it.`,
        });
      }
    }
    if (RESERVED_ENTITY_NAMES.has(entity.name.toLowerCase())) {
      at(entity.node.name, {
        severity: 'error',
        code: 'reserved-name',
        message: `An entity cannot be called "${entity.name}": its file would clash with the generated src/data/entities/${entity.name.toLowerCase()}.ts. Rename the type (add @renamedFrom(name: "${entity.name}") if it is stored already).`,
      });
    }
    if (Buffer.byteLength(entity.name) > MAX_IDENTIFIER) {
      at(entity.node.name, {
        severity: 'error',
        code: 'name-too-long',
        message: `"${entity.name}" is longer than PostgreSQL's ${MAX_IDENTIFIER}-byte limit for table names: shorten it.`,
      });
    }
    const columnNames = new Map<string, string>();
    for (const f of entity.fields) {
      if (f.kind === 'relation' && f.relation?.owner && f.relation.kind !== 'one-to-many' && !f.list)
        columnNames.set(`${f.name}Id`, f.name);
    }
    for (const f of entity.fields) {
      if (ENTITY_MEMBERS.has(f.name)) {
        at(f.node.name, {
          severity: 'error',
          code: 'reserved-field',
          message: `"${f.name}" is a method every entity has (TypeORM's BaseEntity), so a stored field cannot be called that. Rename it (add @renamedFrom(name: "${f.name}") if it is stored already).`,
        });
      }
      if (Buffer.byteLength(f.name) > MAX_IDENTIFIER) {
        at(f.node.name, {
          severity: 'error',
          code: 'name-too-long',
          message: `"${f.name}" is longer than PostgreSQL's ${MAX_IDENTIFIER}-byte limit for column names: shorten it.`,
        });
      }
      const relationOwningColumn = columnNames.get(f.name);
      if (relationOwningColumn !== undefined && f.kind !== 'relation') {
        at(f.node.name, {
          severity: 'error',
          code: 'column-clash',
          message: `"${entity.name}.${f.name}" is also the foreign key column of the relation "${relationOwningColumn}". Rename this field, or drop it and read the key from "${relationOwningColumn}".`,
        });
      }
      if (f.default !== undefined) {
        const where = directive(f.node, 'default') ?? f.node.name;
        if (/::/.test(f.default)) {
          at(where, {
            severity: 'warning',
            code: 'default-cast',
            message: `Write the default without a cast (for example \`'[]'\` instead of \`'[]'::jsonb\`): PostgreSQL keeps it without one, so TypeORM would see a changed default on every run.`,
          });
        } else if (/^\s*ARRAY\s*\[/i.test(f.default)) {
          at(where, {
            severity: 'warning',
            code: 'default-array',
            message: `Write an array default as a literal (for example \`"'{a,b}'"\`): PostgreSQL rewrites ARRAY[...], so TypeORM would see a changed default on every run.`,
          });
        }
      }
      if (f.kind === 'id' && !f.nonNull) {
        at(f.node.type, {
          severity: 'error',
          code: 'nullable-id',
          message: `The key "${entity.name}.${f.name}" is never null: write \`${f.name}: ID!\`.`,
        });
      }
      if (f.kind === 'unsupported' && f.problem) {
        at(f.node.type, {
          severity: 'error',
          code: 'unsupported-type',
          message: `"${entity.name}.${f.name}" cannot be stored: ${f.problem}.`,
          data: { kind: 'unsupported-type', typeName: entity.name, insertAt: transientInsertOffset(analysis, entity.node) },
        });
      }
      const rel = f.relation;
      if (!rel) continue;
      if (rel.badInverse !== undefined) {
        at(directive(f.node, 'relation') ?? f.node.name, {
          severity: 'error',
          code: 'bad-inverse',
          message: `@relation(inverse: "${rel.badInverse}"): ${rel.badInverseReason ?? `"${rel.target}" has no field "${rel.badInverse}" of type "${entity.name}"`}. Name a field of "${rel.target}" that points back to "${entity.name}" and is not paired with another field.`,
        });
      } else if (rel.ambiguousWith) {
        at(f.node.name, {
          severity: 'error',
          code: 'ambiguous-relation',
          message: `Which field of "${rel.target}" is the other side of "${entity.name}.${f.name}"? Candidates: ${rel.ambiguousWith.map((c) => `"${c}"`).join(', ')}. Add @relation(inverse: "...") naming it.`,
          data: {
            kind: 'ambiguous-relation',
            typeName: entity.name,
            field: f.name,
            candidates: rel.ambiguousWith,
            insertAt: analysis.rangeOf(f.node)!.end,
          },
        });
      }
      if (rel.onDelete === 'SET NULL' && f.nonNull) {
        at(directive(f.node, 'relation') ?? f.node.name, {
          severity: 'error',
          code: 'set-null-non-null',
          message: `onDelete: SET_NULL needs a nullable field: write \`${f.name}: ${rel.target}\` (no "!"), or choose CASCADE.`,
        });
      }
    }
  }

  // Directives that only make sense on stored types and fields.
  for (const name of model.nonEntities) {
    const def = doc.definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name);
    for (const f of def?.fields ?? []) {
      for (const dn of ['unique', 'index', 'default', 'relation', 'length']) {
        const d = directive(f, dn);
        if (d)
          at(d, {
            severity: 'warning',
            code: 'directive-on-unstored',
            message: `@${dn} has no effect: "${name}" is not stored. Remove it.`,
          });
      }
    }
  }

  // Resolvers.
  const orphanResolvers: PlatformCheck['orphanResolvers'] = [];
  if (resolvers) {
    for (const [root, operation] of [
      [model.roots.query, 'queries'],
      [model.roots.mutation, 'mutations'],
    ] as const) {
      const rootFields = doc.definitions
        .filter(
          (d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
            (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === root,
        )
        .flatMap((d) => d.fields ?? []);
      const fields = new Set<string>();
      for (const f of rootFields) {
        fields.add(f.name.value);
        const have = operation === 'queries' ? resolvers.queries : resolvers.mutations;
        if (!have.has(f.name.value)) {
          const file = resolverPath(operation, f.name.value);
          at(f.name, {
            severity: 'error',
            code: 'missing-resolver',
            message: `"${root}.${f.name.value}" has no resolver: create \`${file}\` exporting a default function (parent, args, context, info).`,
            data: { kind: 'missing-resolver', operation, field: f.name.value, file },
          });
        }
      }
      const have = operation === 'queries' ? resolvers.queries : resolvers.mutations;
      for (const field of have) {
        if (fields.has(field)) continue;
        orphanResolvers.push({
          file: resolverPath(operation, field),
          operation,
          field,
          code: ORPHAN_RESOLVER_CODE,
          message: `The schema has no field "${root}.${field}" for this resolver: add the field to ${SCHEMA_PATH}, or delete this file.`,
        });
      }
    }
  }
  return { diagnostics: out, orphanResolvers, model };
}

/** Entities checked and found without problems (see checkPlatformRules). */
const cleanEntities = new WeakSet<Entity>();

/** PostgreSQL truncates identifiers longer than this many bytes. */
const MAX_IDENTIFIER = 63;
/** File names the entity generator uses for itself. */
const RESERVED_ENTITY_NAMES = new Set(['index', 'enums']);
/** Members of TypeORM's BaseEntity that a stored field would shadow. */
const ENTITY_MEMBERS = new Set(['constructor', 'save', 'remove', 'softRemove', 'recover', 'reload', 'hasId']);

function entityBodyStart(analysis: SchemaAnalysis, node: ObjectTypeDefinitionNode): number | undefined {
  const range = analysis.rangeOf(node);
  if (!range) return undefined;
  const text = analysis.documentText;
  const brace = text.indexOf('{', analysis.rangeOf(node.name)!.end);
  return brace >= 0 && brace < range.end ? brace + 1 : undefined;
}

/** Where ` @transient` goes: after the type name and its interfaces. */
function transientInsertOffset(analysis: SchemaAnalysis, node: ObjectTypeDefinitionNode): number {
  const last = node.interfaces?.length ? node.interfaces[node.interfaces.length - 1] : node.name;
  return analysis.rangeOf(last)!.end;
}
