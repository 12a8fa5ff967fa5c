// Random valid service schemas and random evolutions of them, for the migration property test.
// A schema is a small spec rendered to GraphQL; every evolution step knows whether it may lose
// data (remove, narrow, require), so the test can insist that the others plan no warning.
// Deterministic from a seed (fast-check draws the seeds and prints the failing one).

export interface SpecField {
  name: string;
  kind: 'scalar' | 'enum' | 'relation';
  /** Scalar name, enum name, or entity name. */
  type: string;
  list: boolean;
  nonNull: boolean;
  unique?: boolean;
  index?: boolean;
  default?: string;
  length?: number;
  renamedFrom?: string;
  /** For paired relations: the field on the target that is the other side. */
  inverse?: string;
  onDelete?: 'CASCADE' | 'SET_NULL';
}

export interface SpecType {
  name: string;
  id: string;
  idRenamedFrom?: string;
  fields: SpecField[];
  renamedFrom?: string;
}

export interface SpecEnum {
  name: string;
  values: { name: string; renamedFrom?: string }[];
  renamedFrom?: string;
}

export interface Spec {
  types: SpecType[];
  enums: SpecEnum[];
}

export interface Evolved {
  spec: Spec;
  /** What was done, for the failure message. */
  changes: string[];
  /** Some change may lose data or fail on existing rows (the planner must warn). */
  destructive: boolean;
}

/** mulberry32: a small deterministic PRNG. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  bool(p = 0.5): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
}

const TYPE_NAMES = [
  'Post',
  'Author',
  'Tag',
  'Comment',
  'Order',
  'Item',
  'Shop',
  'Video',
  'Note',
  'Topic',
  'Badge',
  'Room',
  'Event',
  'Place',
  'Photo',
  'Track',
];
const FIELD_NAMES = [
  'title',
  'body',
  'name',
  'count',
  'price',
  'rating',
  'active',
  'when',
  'day',
  'meta',
  'big',
  'amount',
  'code',
  'label',
  'score',
  'level',
  'slug',
  'notes',
  'size',
  'color',
  'owner',
  'parent',
  'items',
  'links',
  'extra',
  'flag',
  'total',
  'info',
];
const ENUM_NAMES = ['Status', 'Kind', 'Mood', 'Tier', 'Phase', 'Shade'];
const VALUE_NAMES = ['RED', 'GREEN', 'BLUE', 'NEW', 'OLD', 'HOT', 'COLD', 'UP', 'DOWN', 'OPEN', 'SHUT', 'LOW', 'HIGH'];
const SCALARS = ['String', 'Int', 'Float', 'Boolean', 'DateTime', 'Date', 'JSON', 'BigInt', 'Decimal'] as const;

/** Widening scalar changes (the rows keep their values). */
const WIDEN: Record<string, string[]> = {
  Int: ['BigInt', 'Float', 'Decimal', 'String'],
  BigInt: ['Decimal', 'String'],
  Decimal: ['String'],
  Float: ['String'],
};

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

function fresh(r: Random, pool: readonly string[], taken: Set<string>): string {
  const free = pool.filter((n) => !taken.has(n));
  if (free.length) return r.pick(free);
  for (let i = 2; ; i++) {
    const n = `${r.pick(pool)}${i}`;
    if (!taken.has(n)) return n;
  }
}

function allNames(spec: Spec): Set<string> {
  return new Set([
    ...spec.types.map((t) => t.name),
    ...spec.enums.map((e) => e.name),
    ...spec.types.flatMap((t) => (t.renamedFrom ? [t.renamedFrom] : [])),
    ...spec.enums.flatMap((e) => (e.renamedFrom ? [e.renamedFrom] : [])),
  ]);
}

function defaultFor(r: Random, f: SpecField, spec: Spec): string | undefined {
  if (f.list || f.unique) return undefined;
  switch (f.type) {
    case 'Int':
      return r.pick(['0', '42']);
    case 'String':
      return f.length !== undefined && f.length < 4 ? undefined : "'none'";
    case 'Boolean':
      return 'false';
    case 'DateTime':
      return 'now()';
    default: {
      const e = spec.enums.find((x) => x.name === f.type);
      return e ? `'${e.values[0].name}'` : undefined;
    }
  }
}

function scalarField(r: Random, name: string, spec: Spec): SpecField {
  const useEnum = spec.enums.length > 0 && r.bool(0.25);
  const f: SpecField = useEnum
    ? { name, kind: 'enum', type: r.pick(spec.enums).name, list: r.bool(0.2), nonNull: r.bool(0.4) }
    : { name, kind: 'scalar', type: r.pick(SCALARS), list: r.bool(0.15), nonNull: r.bool(0.4) };
  if (f.type === 'String' && r.bool(0.3)) f.length = r.int(8, 40);
  if (!f.list && f.type !== 'JSON' && f.type !== 'Boolean' && f.kind === 'scalar') {
    if (r.bool(0.15)) f.unique = true;
    // A second draw, not the same condition: each r.bool is a new random number.
    // eslint-disable-next-line no-dupe-else-if
    else if (r.bool(0.15)) f.index = true;
  }
  if (r.bool(0.25)) {
    const d = defaultFor(r, f, spec);
    if (d !== undefined) f.default = d;
  }
  return f;
}

function fieldNames(t: SpecType): Set<string> {
  return new Set([
    t.id,
    ...t.fields.map((f) => f.name),
    ...t.fields.flatMap((f) => (f.renamedFrom ? [f.renamedFrom] : [])),
    ...(t.idRenamedFrom ? [t.idRenamedFrom] : []),
  ]);
}

/** One-sided relations stay unambiguous: at most one per ordered pair, none back from the target. */
function canAddOneSided(spec: Spec, from: SpecType, to: SpecType): boolean {
  const oneSided = (a: SpecType, b: SpecType) =>
    a.fields.some((f) => f.kind === 'relation' && f.type === b.name && f.inverse === undefined);
  return !oneSided(from, to) && !oneSided(to, from);
}

/** Adds a relation; returns whether it may fail on existing rows (a required join column on an existing table). */
function addRelation(r: Random, spec: Spec, changes: string[], existing: Set<string> = new Set()): boolean | undefined {
  if (!spec.types.length) return undefined;
  const from = r.pick(spec.types);
  const to = r.pick(spec.types);
  const name = fresh(r, FIELD_NAMES, fieldNames(from));
  const paired = r.bool(0.6);
  if (!paired) {
    if (!canAddOneSided(spec, from, to)) return undefined;
    const list = r.bool(0.4);
    const nonNull = from !== to && !list && r.bool(0.3);
    const f: SpecField = { name, kind: 'relation', type: to.name, list, nonNull };
    if (!list && r.bool(0.3)) f.onDelete = nonNull ? 'CASCADE' : r.pick(['CASCADE', 'SET_NULL'] as const);
    from.fields.push(f);
    changes.push(`add one-sided relation ${from.name}.${name} → ${to.name}${list ? '[]' : ''}${nonNull ? '!' : ''}`);
    return nonNull && existing.has(from.name);
  }
  const taken = fieldNames(to);
  taken.add(name);
  const back = fresh(r, FIELD_NAMES, from === to ? new Set([...taken, ...fieldNames(from)]) : taken);
  const shape = r.pick(['m2o', 'o2o', 'm2m'] as const);
  const a: SpecField = { name, kind: 'relation', type: to.name, list: shape === 'm2m', nonNull: false, inverse: back };
  const b: SpecField = { name: back, kind: 'relation', type: from.name, list: shape !== 'o2o', nonNull: shape !== 'o2o', inverse: name };
  if (shape === 'm2o' && from !== to && r.bool(0.3)) a.nonNull = true;
  from.fields.push(a);
  to.fields.push(b);
  changes.push(`add ${shape} ${from.name}.${name}${a.nonNull ? '!' : ''} ↔ ${to.name}.${back}`);
  return a.nonNull && existing.has(from.name);
}

function newType(r: Random, spec: Spec): SpecType {
  const name = fresh(r, TYPE_NAMES, allNames(spec));
  const t: SpecType = { name, id: r.bool(0.85) ? 'id' : 'key', fields: [] };
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) t.fields.push(scalarField(r, fresh(r, FIELD_NAMES, fieldNames(t)), spec));
  return t;
}

function newEnum(r: Random, spec: Spec): SpecEnum {
  const name = fresh(r, ENUM_NAMES, allNames(spec));
  const values = new Set<string>();
  const n = r.int(1, 4);
  while (values.size < n) values.add(r.pick(VALUE_NAMES));
  return { name, values: [...values].map((v) => ({ name: v })) };
}

/** A random valid schema. */
export function randomSpec(r: Random): Spec {
  const spec: Spec = { types: [], enums: [] };
  const enums = r.int(0, 2);
  for (let i = 0; i < enums; i++) spec.enums.push(newEnum(r, spec));
  const types = r.int(1, 4);
  for (let i = 0; i < types; i++) spec.types.push(newType(r, spec));
  const relations = r.int(0, 3);
  for (let i = 0; i < relations; i++) addRelation(r, spec, []);
  return spec;
}

/** Drops relation fields (and their partners) pointing at `type`. */
function dropRelationsTo(spec: Spec, type: string): void {
  for (const t of spec.types) t.fields = t.fields.filter((f) => !(f.kind === 'relation' && f.type === type));
}

function removeField(spec: Spec, t: SpecType, f: SpecField): void {
  t.fields = t.fields.filter((x) => x !== f);
  if (f.kind === 'relation' && f.inverse !== undefined) {
    const other = spec.types.find((x) => x.name === f.type)!;
    other.fields = other.fields.filter((x) => !(x.name === f.inverse && x.kind === 'relation' && x.type === t.name));
  }
}

/**
 * One evolution step: 1–3 random changes. `@renamedFrom` markers of the previous step are kept
 * (they must then do nothing) or removed.
 */
export function evolve(r: Random, before: Spec): Evolved {
  const spec = clone(before);
  const keep = r.bool(0.5);
  if (!keep) {
    for (const t of spec.types) {
      delete t.renamedFrom;
      delete t.idRenamedFrom;
      for (const f of t.fields) delete f.renamedFrom;
    }
    for (const e of spec.enums) {
      delete e.renamedFrom;
      for (const v of e.values) delete v.renamedFrom;
    }
  }
  // Names that must not be reused in this step (renamed-away and removed names).
  const retired = allNames(before);
  const changes: string[] = [];
  let destructive = false;
  const count = r.int(1, 3);
  for (let attempt = 0; changes.length < count && attempt < 20; attempt++) {
    const t = spec.types.length ? r.pick(spec.types) : undefined;
    const op = r.pick([
      'addType',
      'removeType',
      'renameType',
      'addField',
      'addField',
      'removeField',
      'renameField',
      'renameField',
      'widen',
      'narrow',
      'nullable',
      'require',
      'addRelation',
      'addEnum',
      'renameEnum',
      'addValue',
      'renameValue',
      'removeValue',
      'unique',
      'renameId',
    ] as const);
    switch (op) {
      case 'addType': {
        const nt = newType(r, { ...spec, types: [...spec.types, ...before.types.map((x) => ({ ...x, name: x.name }))] });
        if (retired.has(nt.name)) break;
        spec.types.push(nt);
        changes.push(`add type ${nt.name}`);
        break;
      }
      case 'removeType': {
        if (!t || spec.types.length < 2) break;
        spec.types = spec.types.filter((x) => x !== t);
        dropRelationsTo(spec, t.name);
        changes.push(`remove type ${t.name}`);
        destructive = true;
        break;
      }
      case 'renameType': {
        if (!t || t.renamedFrom) break;
        const name = fresh(r, TYPE_NAMES, new Set([...allNames(spec), ...retired]));
        for (const x of spec.types) for (const f of x.fields) if (f.kind === 'relation' && f.type === t.name) f.type = name;
        changes.push(`rename type ${t.name} → ${name}`);
        t.renamedFrom = t.name;
        t.name = name;
        retired.add(name);
        break;
      }
      case 'addField': {
        if (!t) break;
        const f = scalarField(r, fresh(r, FIELD_NAMES, fieldNames(t)), spec);
        t.fields.push(f);
        changes.push(
          `add field ${t.name}.${f.name}: ${f.type}${f.list ? '[]' : ''}${f.nonNull ? '!' : ''}${f.default ? ' = ' + f.default : ''}`,
        );
        // A required column without a default on an existing table.
        if (f.nonNull && f.default === undefined && before.types.some((x) => x.name === t.name || x.name === t.renamedFrom))
          destructive = true;
        if (f.unique && before.types.some((x) => x.name === t.name || x.name === t.renamedFrom)) destructive = true;
        break;
      }
      case 'removeField': {
        const f = t && r.pick(t.fields.length ? t.fields : [undefined]);
        if (!t || !f) break;
        removeField(spec, t, f);
        changes.push(`remove field ${t.name}.${f.name}`);
        destructive = true;
        break;
      }
      case 'renameField': {
        const f = t && r.pick(t.fields.length ? t.fields : [undefined]);
        if (!t || !f || f.renamedFrom) break;
        const name = fresh(r, FIELD_NAMES, fieldNames(t));
        if (f.kind === 'relation' && f.inverse !== undefined) {
          const other = spec.types.find((x) => x.name === f.type)!;
          const partner = other.fields.find((x) => x.name === f.inverse && x.kind === 'relation' && x.type === t.name);
          if (partner) partner.inverse = name;
        }
        changes.push(`rename field ${t.name}.${f.name} → ${name}`);
        f.renamedFrom = f.name;
        f.name = name;
        break;
      }
      case 'renameId': {
        if (!t || t.idRenamedFrom) break;
        const name = fresh(r, ['key', 'uid', 'ref', 'pk'], fieldNames(t));
        changes.push(`rename id ${t.name}.${t.id} → ${name}`);
        t.idRenamedFrom = t.id;
        t.id = name;
        break;
      }
      case 'widen': {
        const f =
          t && r.pick(t.fields.filter((x) => x.kind === 'scalar' && (WIDEN[x.type] || x.type === 'String')).concat([undefined as never]));
        if (!t || !f) break;
        if (f.type === 'String') {
          if (f.length !== undefined) {
            changes.push(`widen ${t.name}.${f.name} length`);
            if (r.bool()) f.length += 10;
            else delete f.length;
          } else if (!f.list && !f.unique) {
            f.list = true;
            delete f.default;
            changes.push(`listify ${t.name}.${f.name}`);
          } else break;
        } else if (f.list) {
          const to = r.pick(WIDEN[f.type].filter((x) => x !== 'String'));
          if (!to) break;
          changes.push(`widen ${t.name}.${f.name}: [${f.type}] → [${to}]`);
          f.type = to;
          delete f.default;
        } else {
          const to = r.pick(WIDEN[f.type]);
          changes.push(`widen ${t.name}.${f.name}: ${f.type} → ${to}`);
          f.type = to;
          delete f.default;
        }
        break;
      }
      case 'narrow': {
        const f = t && r.pick(t.fields.filter((x) => x.kind === 'scalar').concat([undefined as never]));
        if (!t || !f) break;
        const to = r.pick(SCALARS.filter((s) => s !== f.type));
        changes.push(`change ${t.name}.${f.name}: ${f.type} → ${to}`);
        f.type = to;
        delete f.length;
        delete f.default;
        if (to === 'JSON' || to === 'Boolean') {
          delete f.unique;
          delete f.index;
        }
        destructive = true;
        break;
      }
      case 'nullable': {
        const f = t && r.pick(t.fields.filter((x) => x.nonNull && !(x.kind === 'relation' && x.list)).concat([undefined as never]));
        if (!t || !f) break;
        f.nonNull = false;
        changes.push(`make ${t.name}.${f.name} nullable`);
        break;
      }
      case 'require': {
        const f = t && r.pick(t.fields.filter((x) => !x.nonNull && x.kind !== 'relation').concat([undefined as never]));
        if (!t || !f) break;
        f.nonNull = true;
        if (r.bool()) {
          const d = defaultFor(r, f, spec);
          if (d !== undefined) f.default = d;
        }
        changes.push(`require ${t.name}.${f.name}${f.default ? ' = ' + f.default : ''}`);
        if (f.default === undefined) destructive = true;
        break;
      }
      case 'addRelation': {
        const existing = new Set(
          spec.types.filter((x) => before.types.some((y) => y.name === x.name || y.name === x.renamedFrom)).map((x) => x.name),
        );
        if (addRelation(r, spec, changes, existing)) destructive = true;
        break;
      }
      case 'addEnum': {
        if (!t) break;
        const e = newEnum(r, { ...spec, enums: [...spec.enums, ...before.enums] });
        if (retired.has(e.name)) break;
        spec.enums.push(e);
        const f: SpecField = { name: fresh(r, FIELD_NAMES, fieldNames(t)), kind: 'enum', type: e.name, list: r.bool(0.3), nonNull: false };
        t.fields.push(f);
        changes.push(`add enum ${e.name} and ${t.name}.${f.name}`);
        break;
      }
      case 'renameEnum': {
        const e = spec.enums.length ? r.pick(spec.enums) : undefined;
        if (!e || e.renamedFrom) break;
        const name = fresh(r, ENUM_NAMES, new Set([...allNames(spec), ...retired]));
        for (const x of spec.types) for (const f of x.fields) if (f.kind === 'enum' && f.type === e.name) f.type = name;
        changes.push(`rename enum ${e.name} → ${name}`);
        e.renamedFrom = e.name;
        e.name = name;
        retired.add(name);
        break;
      }
      case 'addValue': {
        const e = spec.enums.length ? r.pick(spec.enums) : undefined;
        if (!e) break;
        const v = fresh(
          r,
          VALUE_NAMES,
          new Set([...e.values.map((x) => x.name), ...e.values.flatMap((x) => (x.renamedFrom ? [x.renamedFrom] : []))]),
        );
        e.values.splice(r.int(0, e.values.length), 0, { name: v });
        changes.push(`add value ${e.name}.${v}`);
        break;
      }
      case 'renameValue': {
        const e = spec.enums.length ? r.pick(spec.enums) : undefined;
        const v = e && r.pick(e.values);
        if (!e || !v || v.renamedFrom) break;
        const name = fresh(
          r,
          VALUE_NAMES,
          new Set([...e.values.map((x) => x.name), ...e.values.flatMap((x) => (x.renamedFrom ? [x.renamedFrom] : []))]),
        );
        for (const x of spec.types)
          for (const f of x.fields) if (f.kind === 'enum' && f.type === e.name && f.default === `'${v.name}'`) f.default = `'${name}'`;
        changes.push(`rename value ${e.name}.${v.name} → ${name}`);
        v.renamedFrom = v.name;
        v.name = name;
        break;
      }
      case 'removeValue': {
        const e = spec.enums.length ? r.pick(spec.enums) : undefined;
        if (!e || e.values.length < 2) break;
        const v = r.pick(e.values);
        if (spec.types.some((x) => x.fields.some((f) => f.kind === 'enum' && f.type === e.name && f.default === `'${v.name}'`))) break;
        e.values = e.values.filter((x) => x !== v);
        changes.push(`remove value ${e.name}.${v.name}`);
        destructive = true;
        break;
      }
      case 'unique': {
        const f =
          t &&
          r.pick(
            t.fields
              .filter((x) => x.kind === 'scalar' && !x.list && x.type !== 'JSON' && x.type !== 'Boolean' && x.default === undefined)
              .concat([undefined as never]),
          );
        if (!t || !f) break;
        if (f.unique) {
          delete f.unique;
          changes.push(`drop @unique ${t.name}.${f.name}`);
        } else {
          f.unique = true;
          delete f.index;
          changes.push(`add @unique ${t.name}.${f.name}`);
          destructive = true;
        }
        break;
      }
    }
  }
  // A new required column without a default on a table that has rows fails (however the step got there).
  for (const t of spec.types) {
    const old = before.types.find((x) => x.name === t.name || x.name === t.renamedFrom);
    if (!old) continue;
    for (const f of t.fields) {
      if (!f.nonNull || f.default !== undefined || (f.kind === 'relation' && f.list)) continue;
      const was = old.fields.find((x) => x.name === f.name || x.name === f.renamedFrom);
      // New and required, or required now and nullable before: existing rows have nothing to give.
      if (!was || !was.nonNull) destructive = true;
    }
  }
  // Enums nothing uses are not stored; drop them from the spec so names stay simple.
  spec.enums = spec.enums.filter(
    (e) => spec.types.some((t) => t.fields.some((f) => f.kind === 'enum' && f.type === e.name)) || r.bool(0.5),
  );
  return { spec, changes, destructive };
}

const directive = (name: string, args?: string) => ` @${name}${args ? `(${args})` : ''}`;

export function renderSpec(spec: Spec): string {
  const out: string[] = [];
  for (const e of spec.enums) {
    out.push(`enum ${e.name}${e.renamedFrom ? directive('renamedFrom', `name: "${e.renamedFrom}"`) : ''} {`);
    for (const v of e.values) out.push(`  ${v.name}${v.renamedFrom ? directive('renamedFrom', `name: "${v.renamedFrom}"`) : ''}`);
    out.push('}');
  }
  for (const t of spec.types) {
    out.push(`type ${t.name}${t.renamedFrom ? directive('renamedFrom', `name: "${t.renamedFrom}"`) : ''} {`);
    out.push(`  ${t.id}: ID!${t.idRenamedFrom ? directive('renamedFrom', `name: "${t.idRenamedFrom}"`) : ''}`);
    for (const f of t.fields) {
      let type = f.type;
      if (f.list) type = `[${type}!]`;
      if (f.nonNull) type += '!';
      let line = `  ${f.name}: ${type}`;
      if (f.unique) line += directive('unique');
      if (f.index) line += directive('index');
      if (f.length !== undefined) line += directive('length', `max: ${f.length}`);
      if (f.default !== undefined) line += directive('default', `value: ${JSON.stringify(f.default)}`);
      if (f.renamedFrom) line += directive('renamedFrom', `name: "${f.renamedFrom}"`);
      const rel: string[] = [];
      if (f.inverse !== undefined) rel.push(`inverse: "${f.inverse}"`);
      if (f.onDelete) rel.push(`onDelete: ${f.onDelete}`);
      if (rel.length) line += directive('relation', rel.join(', '));
      out.push(line);
    }
    out.push('}');
  }
  out.push('type Query { ping: Int }');
  return out.join('\n') + '\n';
}
