// Hover: a type's or field's description and signature, a directive's documentation, and for a
// stored field the database column it maps to.
import { DefinitionNode, FieldDefinitionNode, Kind, print, StringValueNode } from 'graphql';
import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import { buildModel } from '../../../core/src/model/model';
import { modelOf } from '../../../core/src/schema/platformRules';
import { ENTITIES_DIR, resolverPath } from '../../../core/src/service-folder/paths';
import { declarationsOf, nameTargetAt, rangeOfNode, SchemaDocument } from './document';
import { usageHover } from './usage';

const BUILTIN_DOCS: Record<string, string> = {
  String: 'A UTF-8 character sequence. Stored as `character varying`.',
  Int: 'A signed 32-bit integer. Stored as `integer`.',
  Float: 'A signed double-precision floating-point value. Stored as `double precision`.',
  Boolean: '`true` or `false`. Stored as `boolean`.',
  ID: "A unique identifier. An entity's `ID` field is its primary key: `bigint`, generated (BIGSERIAL), a `string` in TypeScript.",
  deprecated: 'Marks an element of a GraphQL schema as no longer supported.',
  specifiedBy: 'Exposes a URL that specifies the behavior of this scalar.',
};

export function hover(doc: SchemaDocument, position: Position): Hover | null {
  const offset = doc.document.offsetAt(position);
  const target = nameTargetAt(doc, offset);
  if (!target) return null;
  const range = rangeOfNode(doc, target.node);
  let value: string | undefined;
  switch (target.kind) {
    case 'type':
      value = typeHover(doc, target.name);
      break;
    case 'directive':
      value = definitionHover(doc, '@' + target.name) ?? builtin(target.name, '@');
      break;
    case 'field':
      value = fieldHover(doc, target.typeName, target.name);
      break;
    case 'enumValue':
      value = `\`${target.typeName}.${target.name}\``;
      break;
    case 'argument':
      value = `argument \`${target.name}\` of \`${target.owner}\``;
      break;
  }
  if (!value) return null;
  const coordinate =
    target.kind === 'field' || target.kind === 'enumValue'
      ? `${target.typeName}.${target.name}`
      : target.kind === 'argument' && !target.owner.startsWith('@')
        ? `${target.owner}(${target.name}:)`
        : undefined;
  const usage = coordinate && usageHover(doc.usage, coordinate);
  if (usage) value += `\n\n${usage}`;
  return { contents: { kind: MarkupKind.Markdown, value }, range };
}

function builtin(name: string, prefix = ''): string | undefined {
  const d = BUILTIN_DOCS[name];
  return d && `\`\`\`graphql\n${prefix ? 'directive ' + prefix : 'scalar '}${name}\n\`\`\`\n---\n${d}`;
}

function header(def: DefinitionNode): string {
  const clean = { ...def, description: undefined, fields: undefined, values: undefined } as unknown as DefinitionNode;
  let text = print(clean).replace(/\s*\{\s*\}\s*$/, '');
  if (text.length > 300) text = text.slice(0, 300) + '…';
  return text;
}

function describe(description: StringValueNode | undefined): string {
  return description ? '\n---\n' + description.value : '';
}

function definitionHover(doc: SchemaDocument, key: string): string | undefined {
  const decls = declarationsOf(doc, key);
  const def = decls[0]?.node ?? doc.analysis.preludeDefinition(key);
  if (!def) return undefined;
  const description = (def as { description?: StringValueNode }).description;
  const builtIn = decls.length ? '' : '\n\n*Built into code.store.*';
  return `\`\`\`graphql\n${header(def)}\n\`\`\`${describe(description)}${builtIn}`;
}

function typeHover(doc: SchemaDocument, name: string): string | undefined {
  const base = definitionHover(doc, name) ?? builtin(name);
  if (!base) return undefined;
  if (!doc.service) return base;
  const model = modelOf(doc.analysis);
  const entity = model.entities.get(name);
  if (entity) return `${base}\n\n**Table** \`"${name}"\` · entity \`${ENTITIES_DIR}/${name}.ts\``;
  if (model.nonEntities.has(name)) return `${base}\n\n*Not stored* (root or @transient type).`;
  return base;
}

function fieldHover(doc: SchemaDocument, typeName: string, fieldName: string): string | undefined {
  const decls = declarationsOf(doc, typeName);
  let field: FieldDefinitionNode | undefined;
  for (const d of decls) {
    const fields = (d.node as { fields?: readonly FieldDefinitionNode[] }).fields ?? [];
    field = fields.find((f) => f.kind === Kind.FIELD_DEFINITION && f.name.value === fieldName) ?? field;
  }
  if (!field) return undefined;
  const sig = print({ ...field, description: undefined } as FieldDefinitionNode);
  let value = `\`\`\`graphql\n${typeName}.${sig}\n\`\`\`${describe(field.description)}`;
  if (doc.service) {
    const model = modelOf(doc.analysis);
    const entity = model.entities.get(typeName);
    const f = entity?.fields.find((x) => x.name === fieldName);
    if (f) value += '\n\n' + columnDescription(typeName, f);
    else if (typeName === model.roots.query || typeName === model.roots.mutation) {
      const op = typeName === model.roots.query ? 'queries' : 'mutations';
      value += `\n\n**Resolver** \`${resolverPath(op, fieldName)}\``;
    }
  }
  return value;
}

function columnDescription(
  table: string,
  f: ReturnType<typeof buildModel>['entities'] extends Map<string, infer E> ? (E extends { fields: (infer F)[] } ? F : never) : never,
): string {
  if (f.kind === 'id') return `**Column** \`"${table}"."${f.name}"\` \`bigint\` primary key, generated · \`string\` in TypeScript`;
  if (f.kind === 'relation' && f.relation) {
    const r = f.relation;
    const how =
      r.kind === 'many-to-one' || (r.kind === 'one-to-one' && r.owner)
        ? `foreign key column \`"${table}"."${f.name}Id"\` → \`"${r.target}"."id"\``
        : r.kind === 'many-to-many' && r.owner
          ? `join table \`${table.toLowerCase()}_${f.name.toLowerCase()}_${r.target.toLowerCase()}\``
          : 'no column (the other side holds the key)';
    return `**Relation** ${r.kind} to \`${r.target}\`${r.inverse ? ` (inverse \`${r.target}.${r.inverse}\`)` : ''}: ${how}`;
  }
  if (f.columnType) {
    const extras = [f.nonNull ? 'NOT NULL' : 'nullable', f.unique ? 'UNIQUE' : '', f.default !== undefined ? `DEFAULT ${f.default}` : '']
      .filter(Boolean)
      .join(', ');
    return `**Column** \`"${table}"."${f.name}"\` \`${f.columnType}\` (${extras})`;
  }
  return `**Not storable**: ${f.problem ?? 'unsupported type'}`;
}
