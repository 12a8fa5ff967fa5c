// A generated, realistic code.store service schema for benchmarks and tests: `entities` stored
// types `E1`..`E<n>` with scalar columns (some `@unique`, some `@default`), a few enums,
// many-to-one relations to earlier entities with the inverse list on the other side, a few
// many-to-many pairs, `Query` (a list and a by-id field per entity) and `Mutation` (a create field
// per entity, taking an input type). Deterministic for a given (entities, seed).
//
//   const service = generateServiceSchema(300, 42);
//   writeServiceFolder('/tmp/svc', service);   // codestore.yaml, src/schema.graphql, resolvers
//
// The schema is valid for the code.store language server when the resolver files exist (which
// writeServiceFolder creates): no relation is ambiguous, every entity has exactly one `ID`.
import * as fs from 'fs';
import * as path from 'path';

export interface GeneratedService {
  /** The SDL of src/schema.graphql. */
  sdl: string;
  /** Entity type names, in declaration order. */
  entities: string[];
  enums: string[];
  /** `Query` field names (each needs src/resolvers/queries/<field>.ts). */
  queryFields: string[];
  /** `Mutation` field names (each needs src/resolvers/mutations/<field>.ts). */
  mutationFields: string[];
  /** Counts, for reports. */
  stats: { entities: number; enums: number; manyToOne: number; manyToMany: number; lines: number; bytes: number };
}

/** A small seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ScalarColumn {
  name: string;
  type: 'String' | 'Int' | 'Float' | 'Boolean' | 'DateTime' | 'JSON';
  unique?: boolean;
  default?: string;
  description?: string;
}

// A pool of plausible columns; an entity takes 5–12 of them (without repeats).
const COLUMN_POOL: ScalarColumn[] = [
  { name: 'name', type: 'String' },
  { name: 'title', type: 'String' },
  { name: 'slug', type: 'String', unique: true, description: 'URL-safe identifier, unique across all rows.' },
  { name: 'email', type: 'String', unique: true },
  { name: 'code', type: 'String', unique: true },
  { name: 'description', type: 'String' },
  { name: 'notes', type: 'String' },
  { name: 'url', type: 'String' },
  { name: 'quantity', type: 'Int', default: '0' },
  { name: 'position', type: 'Int' },
  { name: 'version', type: 'Int', default: '1' },
  { name: 'rating', type: 'Float' },
  { name: 'price', type: 'Float', default: '0' },
  { name: 'weight', type: 'Float' },
  { name: 'active', type: 'Boolean', default: 'true' },
  { name: 'archived', type: 'Boolean', default: 'false' },
  { name: 'verified', type: 'Boolean' },
  { name: 'createdAt', type: 'DateTime', default: 'now()', description: 'When the row was created.' },
  { name: 'updatedAt', type: 'DateTime' },
  { name: 'publishedAt', type: 'DateTime' },
  { name: 'metadata', type: 'JSON' },
  { name: 'settings', type: 'JSON' },
];

const ENUMS: Array<{ name: string; values: string[]; field: string }> = [
  { name: 'Status', values: ['DRAFT', 'ACTIVE', 'SUSPENDED', 'ARCHIVED'], field: 'status' },
  { name: 'Priority', values: ['LOW', 'NORMAL', 'HIGH', 'URGENT'], field: 'priority' },
  { name: 'Visibility', values: ['PRIVATE', 'INTERNAL', 'PUBLIC'], field: 'visibility' },
  { name: 'Currency', values: ['EUR', 'USD', 'GBP', 'JPY', 'CHF'], field: 'currency' },
  { name: 'Region', values: ['EU_WEST', 'EU_CENTRAL', 'US_EAST', 'US_WEST', 'AP_SOUTH'], field: 'region' },
];

const lower = (type: string) => type[0].toLowerCase() + type.slice(1);

export function generateServiceSchema(entities = 300, seed = 1): GeneratedService {
  if (!Number.isInteger(entities) || entities < 1)
    throw new Error(`generateServiceSchema: entities must be a positive integer, got ${entities}`);
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

  const names = Array.from({ length: entities }, (_, i) => `E${i + 1}`);
  const columns = new Map<string, string[]>(); // entity -> field lines (scalars, enums, relations)
  const inputs = new Map<string, string[]>(); // entity -> create input lines
  const related = new Set<string>(); // "a|b": some relation already links a and b
  const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const usedEnums = new Set<string>();
  let manyToOne = 0;
  let manyToMany = 0;

  for (const [i, name] of names.entries()) {
    const lines: string[] = ['  id: ID!'];
    const input: string[] = [];
    const pool = [...COLUMN_POOL];
    const count = between(5, 12);
    for (let k = 0; k < count; k++) {
      const col = pool.splice(Math.floor(rand() * pool.length), 1)[0];
      const nonNull = col.unique || col.default !== undefined || rand() < 0.4;
      const directives = [col.unique ? ' @unique' : '', col.default !== undefined ? ` @default(value: "${col.default}")` : ''].join('');
      if (col.description && rand() < 0.5) lines.push(`  "${col.description}"`);
      lines.push(`  ${col.name}: ${col.type}${nonNull ? '!' : ''}${directives}`);
      input.push(`  ${col.name}: ${col.type}${nonNull && col.default === undefined ? '!' : ''}`);
    }
    if (rand() < 0.25) {
      const e = pick(ENUMS);
      usedEnums.add(e.name);
      lines.push(`  ${e.field}: ${e.name}! @default(value: "'${e.values[0]}'")`);
      input.push(`  ${e.field}: ${e.name}`);
    }
    // Many-to-one relations to earlier entities (0–2, distinct targets); the inverse list goes on the target.
    const relations = i === 0 ? 0 : Math.min(i, pick([0, 1, 1, 1, 2, 2]));
    const targets = new Set<string>();
    while (targets.size < relations) targets.add(names[Math.floor(rand() * i)]);
    for (const target of targets) {
      related.add(key(name, target));
      const nullable = rand() < 0.5;
      const onDelete = nullable
        ? rand() < 0.5
          ? ' @relation(onDelete: SET_NULL)'
          : ''
        : rand() < 0.3
          ? ' @relation(onDelete: CASCADE)'
          : '';
      lines.push(`  ${lower(target)}: ${target}${nullable ? '' : '!'}${onDelete}`);
      columns.get(target)!.push(`  ${lower(name)}Items: [${name}!]!`);
      input.push(`  ${lower(target)}Id: ID${nullable ? '' : '!'}`);
      manyToOne++;
    }
    columns.set(name, lines);
    inputs.set(name, input);
  }

  // A few many-to-many pairs (about one per 15 entities) between entities not yet related.
  const wantedPairs = Math.floor(entities / 15);
  for (let tries = 0; manyToMany < wantedPairs && tries < wantedPairs * 20 && entities > 1; tries++) {
    const a = pick(names);
    const b = pick(names);
    if (a === b || related.has(key(a, b))) continue;
    related.add(key(a, b));
    columns.get(a)!.push(`  ${lower(b)}Links: [${b}!]!`);
    columns.get(b)!.push(`  ${lower(a)}Links: [${a}!]!`);
    manyToMany++;
  }

  const out: string[] = [`# Generated by bench/lib/generate-service-schema.ts (entities: ${entities}, seed: ${seed}).`, ''];
  const enums = ENUMS.filter((e) => usedEnums.has(e.name));
  for (const e of enums) {
    out.push(`"${e.name} of a row."`, `enum ${e.name} {`, ...e.values.map((v) => `  ${v}`), '}', '');
  }
  for (const [i, name] of names.entries()) {
    if (i % 4 === 0) out.push(`"""`, `Entity ${name}: one row per ${lower(name)}.`, `"""`);
    out.push(`type ${name} {`, ...columns.get(name)!, '}', '');
  }
  for (const name of names) out.push(`input Create${name}Input {`, ...inputs.get(name)!, '}', '');

  const queryFields: string[] = [];
  out.push('type Query {');
  for (const name of names) {
    out.push(`  ${lower(name)}List(first: Int = 20, after: ID): [${name}!]!`, `  ${lower(name)}(id: ID!): ${name}`);
    queryFields.push(`${lower(name)}List`, lower(name));
  }
  out.push('}', '');
  const mutationFields: string[] = [];
  out.push('type Mutation {');
  for (const name of names) {
    out.push(`  create${name}(input: Create${name}Input!): ${name}!`);
    mutationFields.push(`create${name}`);
  }
  out.push('}', '');

  const sdl = out.join('\n');
  return {
    sdl,
    entities: names,
    enums: enums.map((e) => e.name),
    queryFields,
    mutationFields,
    stats: { entities, enums: enums.length, manyToOne, manyToMany, lines: sdl.split('\n').length, bytes: Buffer.byteLength(sdl) },
  };
}

/** Writes a service folder: codestore.yaml, src/schema.graphql and one resolver file per root field. */
export function writeServiceFolder(dir: string, service: GeneratedService, serviceId = 'bench-service'): void {
  fs.mkdirSync(path.join(dir, 'src/resolvers/queries'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'src/resolvers/mutations'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'codestore.yaml'), `serviceId: ${serviceId}\n`);
  fs.writeFileSync(path.join(dir, 'src/schema.graphql'), service.sdl);
  const resolver = (field: string) =>
    `export default async function ${field}(parent: unknown, args: any, context: any) {\n  return null;\n}\n`;
  for (const f of service.queryFields) fs.writeFileSync(path.join(dir, 'src/resolvers/queries', `${f}.ts`), resolver(f));
  for (const f of service.mutationFields) fs.writeFileSync(path.join(dir, 'src/resolvers/mutations', `${f}.ts`), resolver(f));
}
