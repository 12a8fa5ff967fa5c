// The types a service's resolvers are written against: for every Query and Mutation field its
// arguments and result, the resolver context, and the GraphQL types those mention (entities are
// the generated entity classes). Written to src/data/resolverTypes.ts, beside the entities:
//   const post: QueryResolvers["post"] = async (parent, args, context) =>
//     context.db.connection.getRepository(Post).findOneBy({ id: args.id });
import { DocumentNode, FieldDefinitionNode, InputValueDefinitionNode, Kind, StringValueNode, TypeDefinitionNode, TypeNode } from 'graphql';
import type { DataModel } from '../model/model';
import { RESOLVER_TYPES_PATH } from '../service-folder/paths';
import { generatedEntities, generatedEnums, GeneratedFile, GENERATED_HEADER, tsIdentifier } from './files';

export { RESOLVER_TYPES_PATH };

/**
 * How each built-in scalar reaches a resolver (`input`) and what a resolver may return for it
 * (`output`). Keys are `bigint` columns and BigInt/Decimal are strings, so no precision is lost;
 * a DateTime arrives as an ISO 8601 string and may be returned as the `Date` entities hold.
 */
const SCALARS: Record<string, { input: string; output: string }> = {
  ID: { input: 'string', output: 'string | number' },
  String: { input: 'string', output: 'string' },
  Int: { input: 'number', output: 'number' },
  Float: { input: 'number', output: 'number' },
  Boolean: { input: 'boolean', output: 'boolean' },
  DateTime: { input: 'string', output: 'Date | string' },
  Date: { input: 'string', output: 'string' },
  JSON: { input: 'unknown', output: 'unknown' },
  BigInt: { input: 'string', output: 'string | number' },
  Decimal: { input: 'string', output: 'string | number' },
};

/** Names this file declares itself; a GraphQL type with the same name is referred to with a `_` suffix. */
const OWN_NAMES = new Set([
  'Context',
  'Resolver',
  'QueryArgs',
  'QueryResolvers',
  'MutationArgs',
  'MutationResolvers',
  'DataSource',
  'GraphQLResolveInfo',
]);

export function generateResolverTypes(doc: DocumentNode, model: DataModel): GeneratedFile {
  const writer = new ResolverTypesWriter(doc, model);
  // The file depends on what the writer read (the root types and the types they reach), not on
  // the whole schema: an edit of an entity's fields usually leaves it as it was.
  let content = recent.find((r) => r.reads.every((read) => writer.reads(read)))?.content;
  if (content === undefined) {
    content = writer.write();
    recent.unshift({ reads: writer.recorded, content });
    recent.length = Math.min(recent.length, 8);
  }
  return { path: RESOLVER_TYPES_PATH, content };
}

/** Forgets the files written before (tests compare with a generation from scratch). */
export function clearResolverTypesCache(): void {
  recent.length = 0;
}

/** One thing the writer looked up, and what it found. */
type Read =
  | { of: 'roots'; value: string }
  | { of: 'definition'; name: string; value: Named | undefined }
  | { of: 'kind'; name: string; value: Kind | undefined }
  | { of: 'fields'; name: string; value: readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined }
  | { of: 'implementors'; name: string; value: readonly string[] | undefined }
  | { of: 'entity' | 'entityEnum'; name: string; value: boolean };

/** The last files written, with what they were made of. */
const recent: { reads: Read[]; content: string }[] = [];

const sameList = <T>(a: readonly T[] | undefined, b: readonly T[] | undefined) =>
  a === b || (!!a && !!b && a.length === b.length && a.every((x, i) => x === b[i]));

type Named = TypeDefinitionNode;

class ResolverTypesWriter {
  private readonly definitions = new Map<string, Named>();
  /** Fields of object, interface and input types, with those of their extensions. */
  private readonly fields = new Map<string, (FieldDefinitionNode | InputValueDefinitionNode)[]>();
  private readonly implementors = new Map<string, string[]>();
  private readonly entityNames: Set<string>;
  private readonly entityEnums: Set<string>;
  /** Types to declare in this file, found while writing the root fields. */
  private readonly pending: string[] = [];
  private readonly declared = new Set<string>();
  private readonly importedEntities = new Set<string>();
  private readonly importedEnums = new Set<string>();
  /** Every lookup write() made, in order. */
  readonly recorded: Read[] = [];

  constructor(
    doc: DocumentNode,
    private readonly model: DataModel,
  ) {
    for (const def of doc.definitions) {
      if (!('name' in def) || !def.name) continue;
      const name = def.name.value;
      const isDefinition =
        def.kind === Kind.OBJECT_TYPE_DEFINITION ||
        def.kind === Kind.INTERFACE_TYPE_DEFINITION ||
        def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
        def.kind === Kind.ENUM_TYPE_DEFINITION ||
        def.kind === Kind.UNION_TYPE_DEFINITION ||
        def.kind === Kind.SCALAR_TYPE_DEFINITION;
      // The first declaration of a name wins, as in the data model.
      if (isDefinition && !this.definitions.has(name)) this.definitions.set(name, def as Named);
      if ('fields' in def && def.fields) {
        const isExtension = !isDefinition;
        if (!isExtension && this.definitions.get(name) !== def) continue;
        this.fields.set(name, [...(this.fields.get(name) ?? []), ...def.fields]);
      }
      if ((def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) && def.interfaces) {
        for (const i of def.interfaces) this.implementors.set(i.name.value, [...(this.implementors.get(i.name.value) ?? []), name]);
      }
    }
    const entities = generatedEntities(model);
    this.entityNames = new Set(entities.map((e) => e.entity.name));
    this.entityEnums = new Set(generatedEnums(model, entities).map((e) => e.name));
  }

  /** Whether a lookup made for an earlier file finds the same here. */
  reads(read: Read): boolean {
    switch (read.of) {
      case 'roots':
        return read.value === this.rootsKey();
      case 'definition':
        return this.definitions.get(read.name) === read.value;
      case 'kind':
        return this.definitions.get(read.name)?.kind === read.value;
      case 'fields':
        return sameList(this.fields.get(read.name), read.value);
      case 'implementors':
        return sameList(this.implementors.get(read.name), read.value);
      case 'entity':
        return this.entityNames.has(read.name) === read.value;
      case 'entityEnum':
        return this.entityEnums.has(read.name) === read.value;
    }
  }

  private rootsKey(): string {
    return `${this.model.roots.query}\u0000${this.model.roots.mutation}`;
  }

  private definition(name: string): Named | undefined {
    const value = this.definitions.get(name);
    this.recorded.push({ of: 'definition', name, value });
    return value;
  }

  /** What kind of type a name is: all a reference to it needs (an entity's fields do not matter). */
  private kindOf(name: string): Kind | undefined {
    const value = this.definitions.get(name)?.kind;
    this.recorded.push({ of: 'kind', name, value });
    return value;
  }

  private fieldsOf(name: string): readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined {
    const value = this.fields.get(name);
    this.recorded.push({ of: 'fields', name, value });
    return value;
  }

  private implementorsOf(name: string): readonly string[] | undefined {
    const value = this.implementors.get(name);
    this.recorded.push({ of: 'implementors', name, value });
    return value;
  }

  private isEntity(name: string): boolean {
    const value = this.entityNames.has(name);
    this.recorded.push({ of: 'entity', name, value });
    return value;
  }

  private isEntityEnum(name: string): boolean {
    const value = this.entityEnums.has(name);
    this.recorded.push({ of: 'entityEnum', name, value });
    return value;
  }

  write(): string {
    this.recorded.push({ of: 'roots', value: this.rootsKey() });
    const roots: string[] = [];
    for (const [root, title] of [
      [this.model.roots.query, 'Query'],
      [this.model.roots.mutation, 'Mutation'],
    ] as const) {
      roots.push(this.rootTypes(root, title));
    }
    const declarations: string[] = [];
    while (this.pending.length) {
      const name = this.pending.shift()!;
      declarations.push(this.declaration(name));
    }
    declarations.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));

    const imports = ['import type { GraphQLResolveInfo } from "graphql";', 'import type { DataSource } from "typeorm";'];
    if (this.importedEntities.size) imports.push(`import type { ${this.importList(this.importedEntities)} } from "./entities";`);
    if (this.importedEnums.size) imports.push(`import type { ${this.importList(this.importedEnums)} } from "./entities/enums";`);

    return [
      GENERATED_HEADER,
      '',
      imports.join('\n'),
      '',
      '/** The third argument of every resolver. */',
      'export interface Context {',
      '  db: { connection: DataSource };',
      "  /** The request's HTTP headers, names in lower case (the platform's own key is not among them). */",
      '  headers: Record<string, string | string[] | undefined>;',
      '}',
      '',
      "/** A resolver `(parent, args, context, info)`: returns the field's value, or a promise of it. */",
      'export type Resolver<Args, Result, Parent = unknown> = (',
      '  parent: Parent,',
      '  args: Args,',
      '  context: Context,',
      '  info: GraphQLResolveInfo,',
      ') => Result | Promise<Result>;',
      '',
      ...declarations.flatMap((d) => [d, '']),
      roots.join('\n\n'),
      '',
    ].join('\n');
  }

  private importList(names: Set<string>): string {
    return [...names]
      .sort()
      .map((n) => (this.local(n) === tsIdentifier(n) ? tsIdentifier(n) : `${tsIdentifier(n)} as ${this.local(n)}`))
      .join(', ');
  }

  /** The identifier a GraphQL type has in this file. */
  private local(name: string): string {
    const id = tsIdentifier(name);
    return OWN_NAMES.has(id) ? `${id}_` : id;
  }

  private rootTypes(root: string, title: 'Query' | 'Mutation'): string {
    const fields = (this.fieldsOf(root) ?? []) as FieldDefinitionNode[];
    const args = fields.map((f) => `${docComment(f.description, '  ')}  ${f.name.value}: ${this.argsType(f.arguments ?? [])};`);
    const resolvers = fields.map(
      (f) => `  ${f.name.value}: Resolver<${title}Args[${JSON.stringify(f.name.value)}], ${this.outputType(f.type)}>;`,
    );
    const folder = title === 'Query' ? 'queries' : 'mutations';
    const example = fields[0]
      ? `\n * \`const ${fields[0].name.value}: ${title}Resolvers[${JSON.stringify(fields[0].name.value)}] = async (parent, args, context) => ...\``
      : '';
    const named = root === title ? '' : ` (\`${root}\` in the schema)`;
    return [
      `/** The arguments of each ${title} field${named}. */`,
      `export interface ${title}Args {`,
      ...args,
      '}',
      '',
      `/**\n * The resolver of each ${title} field${named}, for src/resolvers/${folder}/<field>.ts:${example}\n */`,
      `export interface ${title}Resolvers {`,
      ...resolvers,
      '}',
    ].join('\n');
  }

  private argsType(args: readonly InputValueDefinitionNode[]): string {
    if (!args.length) return 'Record<string, never>';
    return `{ ${args.map((a) => this.inputMember(a)).join('; ')} }`;
  }

  /** graphql-js leaves out an optional argument or input field that has no default and was not given. */
  private inputMember(a: InputValueDefinitionNode): string {
    const optional = a.type.kind !== Kind.NON_NULL_TYPE && !a.defaultValue;
    return `${a.name.value}${optional ? '?' : ''}: ${this.typeOf(a.type, 'input')}`;
  }

  private outputType(type: TypeNode): string {
    return this.typeOf(type, 'output');
  }

  private typeOf(type: TypeNode, side: 'input' | 'output'): string {
    if (type.kind === Kind.NON_NULL_TYPE) return this.nonNullType(type.type, side);
    const t = this.nonNullType(type, side);
    return t === 'unknown' ? t : `${t} | null`;
  }

  private nonNullType(type: TypeNode, side: 'input' | 'output'): string {
    if (type.kind === Kind.NON_NULL_TYPE) return this.nonNullType(type.type, side);
    if (type.kind === Kind.LIST_TYPE) {
      const item = this.typeOf(type.type, side);
      return item.includes(' ') ? `(${item})[]` : `${item}[]`;
    }
    return this.namedType(type.name.value, side);
  }

  private namedType(name: string, side: 'input' | 'output'): string {
    const kind = this.kindOf(name);
    if (kind === undefined || kind === Kind.SCALAR_TYPE_DEFINITION) {
      // A custom scalar is whatever its implementation makes of it.
      return SCALARS[name]?.[side] ?? 'unknown';
    }
    if (this.isEntity(name)) {
      this.importedEntities.add(name);
      return this.local(name);
    }
    if (kind === Kind.ENUM_TYPE_DEFINITION && this.isEntityEnum(name)) {
      this.importedEnums.add(name);
      return this.local(name);
    }
    if (!this.declared.has(name)) {
      this.declared.add(name);
      this.pending.push(name);
    }
    return this.local(name);
  }

  private declaration(name: string): string {
    const def = this.definition(name)!;
    const id = this.local(name);
    const doc = docComment(def.description, '');
    switch (def.kind) {
      case Kind.ENUM_TYPE_DEFINITION:
        return `${doc}export enum ${id} {\n${(def.values ?? []).map((v) => `  ${v.name.value} = ${JSON.stringify(v.name.value)},`).join('\n')}\n}`;
      case Kind.INPUT_OBJECT_TYPE_DEFINITION: {
        const fields = (this.fieldsOf(name) ?? []) as InputValueDefinitionNode[];
        return `${doc}export interface ${id} {\n${fields.map((f) => `${docComment(f.description, '  ')}  ${this.inputMember(f)};`).join('\n')}\n}`;
      }
      case Kind.UNION_TYPE_DEFINITION: {
        const members = (def.types ?? []).map((t) => this.namedType(t.name.value, 'output'));
        return `${doc}export type ${id} = ${members.length ? members.join(' | ') : 'never'};`;
      }
      case Kind.INTERFACE_TYPE_DEFINITION: {
        const members = (this.implementorsOf(name) ?? []).filter((n) => this.kindOf(n) === Kind.OBJECT_TYPE_DEFINITION);
        if (members.length)
          return `${doc}export type ${id} = ${[...new Set(members)].map((m) => this.namedType(m, 'output')).join(' | ')};`;
        return this.objectShape(name, id, doc);
      }
      default:
        return this.objectShape(name, id, doc);
    }
  }

  /** A stored-less object type (a @transient payload, say): its fields, each as its resolver returns it. */
  private objectShape(name: string, id: string, doc: string): string {
    const fields = (this.fieldsOf(name) ?? []) as FieldDefinitionNode[];
    const members = fields.map((f) => {
      const optional = f.type.kind !== Kind.NON_NULL_TYPE;
      return `${docComment(f.description, '  ')}  ${f.name.value}${optional ? '?' : ''}: ${this.outputType(f.type)};`;
    });
    return `${doc}export interface ${id} {\n${members.join('\n')}\n}`;
  }
}

/** Declarations sort by the name they declare. */
function sortKey(declaration: string): string {
  return /export (?:interface|type|enum) (\S+)/.exec(declaration)?.[1] ?? declaration;
}

function docComment(description: StringValueNode | undefined, indent: string): string {
  const text = description?.value.trim();
  if (!text) return '';
  const lines = text.replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ' ' + l : ''}`).join('\n')}\n${indent} */\n`;
}
