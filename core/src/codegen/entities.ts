// The TypeORM entity sources for a data model: one file per entity, the enums, and an index.
// Same model in, byte-identical files out. The physical schema (physical.ts) is what these
// entities make TypeORM expect; both come from the same decisions in files.ts.
import {
  ClassDeclarationStructure,
  DecoratorStructure,
  EnumDeclarationStructure,
  ImportDeclarationStructure,
  OptionalKind,
  printStructure,
  PropertyDeclarationStructure,
  SourceFileStructure,
  StructureKind,
} from 'ts-morph';
import type { DataModel, ModelField } from '../model/model';
import {
  ENTITIES_DIR,
  entitySignature,
  GENERATED_HEADER,
  GeneratedEntity,
  generatedEntities,
  generatedEnums,
  GeneratedFile,
  OutputCache,
  parameterName,
  StoredField,
  tsIdentifier,
  tsString,
} from './files';

/** TypeScript types of column values as the `pg` driver returns them. */
const SCALAR_TS_TYPES: Record<string, string> = {
  'character varying': 'string',
  integer: 'number',
  'double precision': 'number',
  boolean: 'boolean',
  'timestamp with time zone': 'Date',
  // pg returns `date` as 'YYYY-MM-DD' (TypeORM's DateUtils.mixedDateToDateString), numeric and
  // bigint as strings so no precision is lost.
  date: 'string',
  jsonb: 'unknown',
  bigint: 'string',
  numeric: 'string',
};

const TYPEORM_NAMES = [
  'BaseEntity',
  'Column',
  'Entity',
  'Index',
  'JoinColumn',
  'JoinTable',
  'ManyToMany',
  'ManyToOne',
  'OneToMany',
  'OneToOne',
  'PrimaryGeneratedColumn',
  'Relation',
  'Unique',
] as const;
type TypeOrmName = (typeof TYPEORM_NAMES)[number];

/**
 * Printed files by structure: an edit changes one or two entities, so the others are not printed
 * again. The key is the structure itself (writer functions by their source).
 */
const printed = new Map<string, string>();
const MAX_PRINTED = 5000;

function printCached(structure: SourceFileStructure, cache = true): string {
  const print = () => printStructure({ ...structure, leadingTrivia: GENERATED_HEADER + '\n\n' }, { indentNumberOfSpaces: 2 });
  if (!cache) return print();
  const key = JSON.stringify(structure, (_k, v: unknown) => (typeof v === 'function' ? `fn:${v.toString()}` : v));
  let content = printed.get(key);
  if (content === undefined) {
    content = print();
    if (printed.size >= MAX_PRINTED) printed.clear();
    printed.set(key, content);
  }
  return content;
}

/**
 * Entity files by the TypeORM aliases in use and the entity's signature (files.ts): an entity
 * whose signature is unchanged is not turned into a structure, let alone printed.
 */
const entityTexts = new Map<string, OutputCache<string>>();
function textsFor(aliases: string): OutputCache<string> {
  let texts = entityTexts.get(aliases);
  if (!texts) {
    if (entityTexts.size >= 16) entityTexts.clear();
    texts = new OutputCache<string>();
    entityTexts.set(aliases, texts);
  }
  return texts;
}

/** Forgets every generated entity file (tests compare with a generation from scratch). */
export function clearEntityCaches(): void {
  printed.clear();
  entityTexts.clear();
}

export function generateEntities(model: DataModel): GeneratedFile[] {
  const entities = generatedEntities(model);
  const enums = generatedEnums(model, entities);
  // A GraphQL type may be called `Column` or `Entity`: then TypeORM's export is imported as `OrmColumn`.
  const taken = new Set([...entities.map((e) => tsIdentifier(e.entity.name)), ...enums.map((e) => tsIdentifier(e.name))]);
  const orm = (name: TypeOrmName): string => (taken.has(name) ? `Orm${name}` : name);
  // Printed straight from structures: no project, no parse (300 entities print in tens of ms).
  const print = (path: string, structure: SourceFileStructure): GeneratedFile => ({ path, content: printCached(structure) });

  const aliases = TYPEORM_NAMES.filter((n) => taken.has(n)).join(',');
  const files: GeneratedFile[] = [];
  for (const entity of entities) {
    const content = textsFor(aliases).get(entitySignature(entity), () => printCached(entityFile(entity, orm), false));
    files.push({ path: `${ENTITIES_DIR}/${entity.entity.name}.ts`, content });
  }
  files.push(
    print(`${ENTITIES_DIR}/enums.ts`, {
      kind: StructureKind.SourceFile,
      statements: enums.length
        ? enums.map((e): EnumDeclarationStructure => ({
            kind: StructureKind.Enum,
            name: tsIdentifier(e.name),
            isExported: true,
            members: e.values.map((v) => ({ name: v.name, value: v.name })),
          }))
        : ['export {};'],
    }),
  );
  const names = entities.map((e) => e.entity.name);
  files.push(
    print(`${ENTITIES_DIR}/index.ts`, {
      kind: StructureKind.SourceFile,
      statements: [
        ...names.map((n): ImportDeclarationStructure => ({
          kind: StructureKind.ImportDeclaration,
          moduleSpecifier: `./${n}`,
          defaultImport: tsIdentifier(n),
        })),
        (w) => w.blankLine(),
        ...(names.length ? [`export { ${names.map(tsIdentifier).join(', ')} };`] : []),
        'export * from "./enums";',
        (w) => w.blankLine(),
        '/** Every entity, for `new DataSource({ entities })`. */',
        `export const entities = [${names.map(tsIdentifier).join(', ')}];`,
      ],
    }),
  );
  return files;
}

function entityFile(entity: GeneratedEntity, orm: (name: TypeOrmName) => string): SourceFileStructure {
  const used = new Set<TypeOrmName>(['BaseEntity', 'Entity']);
  const use = (name: TypeOrmName): string => {
    used.add(name);
    return orm(name);
  };
  const className = tsIdentifier(entity.entity.name);
  const related = new Set<string>();
  const enums = new Set<string>();
  const classDecorators: OptionalKind<DecoratorStructure>[] = [{ name: use('Entity'), arguments: [tsString(entity.entity.name)] }];
  const properties: OptionalKind<PropertyDeclarationStructure>[] = [];
  for (const f of entity.fields) {
    const { decorators, type } = property(
      f,
      use,
      (target) => {
        if (target !== entity.entity.name) related.add(target);
      },
      (e) => enums.add(e),
    );
    // A many-to-one marked @unique: the constraint is on the join column, so it is declared on the class.
    if (f.kind === 'relation' && f.field.unique && f.relation.owner && f.relation.kind === 'many-to-one') {
      classDecorators.push({ name: use('Unique'), arguments: [`[${tsString(f.field.name)}]`] });
    }
    // A blank line between members, as a person would write them.
    properties.push({
      name: f.field.name,
      type,
      hasExclamationToken: true,
      decorators,
      leadingTrivia: properties.length ? (w) => w.blankLine() : undefined,
    });
  }
  const imports: ImportDeclarationStructure[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: 'typeorm',
      namedImports: TYPEORM_NAMES.filter((n) => used.has(n)).map((n) => ({
        name: n,
        alias: orm(n) === n ? undefined : orm(n),
        isTypeOnly: n === 'Relation',
      })),
    },
  ];
  for (const target of [...related].sort()) {
    imports.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: `./${target}`, defaultImport: tsIdentifier(target) });
  }
  if (enums.size) {
    imports.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: './enums', namedImports: [...enums].sort().map(tsIdentifier) });
  }
  const cls: ClassDeclarationStructure = {
    kind: StructureKind.Class,
    name: className,
    isExported: true,
    isDefaultExport: true,
    extends: orm('BaseEntity'),
    decorators: classDecorators,
    properties,
  };
  return { kind: StructureKind.SourceFile, statements: [...imports, cls] };
}

function property(
  f: StoredField,
  use: (name: TypeOrmName) => string,
  relatesTo: (entity: string) => void,
  usesEnum: (name: string) => void,
): { decorators: OptionalKind<DecoratorStructure>[]; type: string } {
  const nullable = (t: string, field: ModelField) => (field.nonNull || t === 'unknown' ? t : `${t} | null`);
  if (f.kind === 'primary') {
    return { decorators: [{ name: use('PrimaryGeneratedColumn'), arguments: ['{ type: "bigint" }'] }], type: 'string' };
  }
  if (f.kind === 'column') {
    const field = f.field;
    const options: string[] = [];
    let first: string | undefined;
    let element: string;
    if (f.enum) {
      usesEnum(f.enum.name);
      element = tsIdentifier(f.enum.name);
      options.push('type: "enum"', `enum: ${element}`, `enumName: ${tsString(f.enum.name)}`);
    } else {
      first = tsString(f.type);
      element = SCALAR_TS_TYPES[f.type] ?? 'unknown';
    }
    if (f.length !== undefined) options.push(`length: ${f.length}`);
    if (f.array) options.push('array: true');
    if (!field.nonNull) options.push('nullable: true');
    if (field.unique) options.push('unique: true');
    if (field.default !== undefined) options.push(`default: ${entityDefault(field.default)}`);
    const args = [...(first ? [first] : []), ...(options.length ? [`{ ${options.join(', ')} }`] : [])];
    const decorators: OptionalKind<DecoratorStructure>[] = [];
    if (field.index) decorators.push({ name: use('Index'), arguments: [] });
    decorators.push({ name: use('Column'), arguments: args });
    const type = f.array ? `${element.includes(' ') ? `(${element})` : element}[]` : element;
    return { decorators, type: nullable(type, field) };
  }
  const rel = f.relation;
  const field = f.field;
  const target = rel.target.entity.name;
  relatesTo(target);
  const targetId = tsIdentifier(target);
  const args = [`() => ${targetId}`];
  if (rel.inverse) {
    const p = parameterName(target);
    args.push(`(${p}) => ${p}.${rel.inverse.name}`);
  }
  const decorators: OptionalKind<DecoratorStructure>[] = [];
  if (field.index && rel.owner && (rel.kind === 'many-to-one' || rel.kind === 'one-to-one'))
    decorators.push({ name: use('Index'), arguments: [] });
  let type: string;
  switch (rel.kind) {
    case 'many-to-one':
      args.push(`{ nullable: ${!field.nonNull}, onDelete: ${tsString(rel.onDelete)} }`);
      decorators.push({ name: use('ManyToOne'), arguments: args });
      type = nullable(`${use('Relation')}<${targetId}>`, field);
      break;
    case 'one-to-one':
      if (rel.owner) args.push(`{ nullable: ${!field.nonNull}, onDelete: ${tsString(rel.onDelete)} }`);
      decorators.push({ name: use('OneToOne'), arguments: args });
      if (rel.owner) decorators.push({ name: use('JoinColumn'), arguments: [] });
      type = nullable(`${use('Relation')}<${targetId}>`, field);
      break;
    case 'one-to-many':
      decorators.push({ name: use('OneToMany'), arguments: args });
      type = `${use('Relation')}<${targetId}[]>`;
      break;
    case 'many-to-many':
      decorators.push({ name: use('ManyToMany'), arguments: args });
      if (rel.owner) decorators.push({ name: use('JoinTable'), arguments: [] });
      type = `${use('Relation')}<${targetId}[]>`;
      break;
  }
  return { decorators, type };
}

/**
 * The decorator's `default` for an @default SQL expression, in the form TypeORM compares equal to
 * what PostgreSQL reports back for it; otherwise TypeORM would see a changed default forever.
 * PostgreSQL reports `0` and `'-1.5'::numeric`, TypeORM reads both back as quoted literals
 * (`'0'`, `'-1.5'`): integers and negative decimals are given as values, which TypeORM quotes
 * the same way. Anything else is raw SQL (a function), which TypeORM writes and compares as it is.
 */
function entityDefault(sql: string): string {
  const value = sql.trim();
  if (/^-?(0|[1-9]\d{0,14})$/.test(value)) return value;
  if (/^-?\d+$/.test(value) || /^-\d+\.\d+$/.test(value)) return tsString(value);
  return `() => ${tsString(sql)}`;
}
