// The data model a service schema describes: entities (tables), their columns and relations,
// and enums. Pure: a parsed document in, plain data out. The mapping is documented in the README.
import {
  ConstDirectiveNode,
  DefinitionNode,
  DocumentNode,
  EnumTypeDefinitionNode,
  EnumValueDefinitionNode,
  FieldDefinitionNode,
  Kind,
  ObjectTypeDefinitionNode,
  TypeNode,
} from 'graphql';

export type RelationKind = 'many-to-one' | 'one-to-one' | 'one-to-many' | 'many-to-many';

export interface ModelField {
  name: string;
  node: FieldDefinitionNode;
  /** The named type, without list and non-null wrappers. */
  typeName: string;
  list: boolean;
  nonNull: boolean;
  kind: 'id' | 'scalar' | 'enum' | 'relation' | 'unsupported';
  /** PostgreSQL column type, for stored columns. */
  columnType?: string;
  unique: boolean;
  index: boolean;
  default?: string;
  length?: number;
  renamedFrom?: string;
  relation?: ModelRelation;
  /** Why the type cannot be stored, for unsupported fields. */
  problem?: string;
}

export interface ModelRelation {
  target: string;
  kind: RelationKind;
  /** The field on the target that is the other side, if any. */
  inverse?: string;
  /** This side holds the foreign key (many-to-one, owning one-to-one) or the join table (owning many-to-many). */
  owner: boolean;
  onDelete: 'NO ACTION' | 'CASCADE' | 'SET NULL';
  /** Set when the pairing cannot be decided without `@relation(inverse:)`. */
  ambiguousWith?: string[];
  /** Set when `@relation(inverse:)` names a field that cannot be the inverse. */
  badInverse?: string;
  /** Why it cannot. */
  badInverseReason?: string;
}

export interface Entity {
  name: string;
  node: ObjectTypeDefinitionNode;
  idFields: ModelField[];
  fields: ModelField[];
  renamedFrom?: string;
}

export interface ModelEnum {
  name: string;
  node: EnumTypeDefinitionNode;
  values: { name: string; renamedFrom?: string }[];
  renamedFrom?: string;
}

export interface DataModel {
  entities: Map<string, Entity>;
  enums: Map<string, ModelEnum>;
  /** Object types that are not stored: roots and `@transient` types. */
  nonEntities: Set<string>;
  roots: { query: string; mutation: string; subscription: string };
}

export const SCALAR_COLUMN_TYPES: Record<string, string> = {
  String: 'character varying',
  Int: 'integer',
  Float: 'double precision',
  Boolean: 'boolean',
  ID: 'character varying',
  DateTime: 'timestamp with time zone',
  Date: 'date',
  JSON: 'jsonb',
  BigInt: 'bigint',
  Decimal: 'numeric',
};

export function directive(node: { directives?: readonly ConstDirectiveNode[] }, name: string): ConstDirectiveNode | undefined {
  return node.directives?.find((d) => d.name.value === name);
}

export function stringArgument(d: ConstDirectiveNode | undefined, arg: string): string | undefined {
  const a = d?.arguments?.find((x) => x.name.value === arg);
  return a && (a.value.kind === Kind.STRING || a.value.kind === Kind.ENUM) ? a.value.value : undefined;
}

function intArgument(d: ConstDirectiveNode | undefined, arg: string): number | undefined {
  const a = d?.arguments?.find((x) => x.name.value === arg);
  return a && a.value.kind === Kind.INT ? Number(a.value.value) : undefined;
}

export function unwrap(type: TypeNode): { name: string; list: boolean; nonNull: boolean; nestedList: boolean } {
  let nonNull = false;
  let list = false;
  let nestedList = false;
  let t = type;
  if (t.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    t = t.type;
  }
  if (t.kind === Kind.LIST_TYPE) {
    list = true;
    t = t.type;
    if (t.kind === Kind.NON_NULL_TYPE) t = t.type;
    if (t.kind === Kind.LIST_TYPE) nestedList = true;
  }
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  return { name: t.name.value, list, nonNull, nestedList };
}

export function rootNames(doc: DocumentNode): DataModel['roots'] {
  const roots = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' };
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      for (const op of def.operationTypes ?? []) roots[op.operation] = op.type.name.value;
    }
  }
  return roots;
}

/** Builds the data model; tolerant of invalid schemas (what it cannot map is marked, not thrown). */
export function buildModel(doc: DocumentNode): DataModel {
  const roots = rootNames(doc);
  const objects = new Map<string, ObjectTypeDefinitionNode>();
  const enums = new Map<string, ModelEnum>();
  const kinds = new Map<string, DefinitionNode['kind']>();
  // Fields and values added by `extend type` / `extend enum`, by type name.
  const extraFields = new Map<string, FieldDefinitionNode[]>();
  const extraValues = new Map<string, EnumValueDefinitionNode[]>();
  const extraDirectives = new Map<string, ConstDirectiveNode[]>();
  for (const def of doc.definitions) {
    if (def.kind === Kind.OBJECT_TYPE_EXTENSION) {
      extraFields.set(def.name.value, [...(extraFields.get(def.name.value) ?? []), ...(def.fields ?? [])]);
      extraDirectives.set(def.name.value, [...(extraDirectives.get(def.name.value) ?? []), ...(def.directives ?? [])]);
      continue;
    }
    if (def.kind === Kind.ENUM_TYPE_EXTENSION) {
      extraValues.set(def.name.value, [...(extraValues.get(def.name.value) ?? []), ...(def.values ?? [])]);
      continue;
    }
    if (!('name' in def) || !def.name) continue;
    if (!kinds.has(def.name.value)) kinds.set(def.name.value, def.kind);
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION && !objects.has(def.name.value)) objects.set(def.name.value, def);
  }
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || enums.has(def.name.value)) continue;
    const values = [...(def.values ?? []), ...(extraValues.get(def.name.value) ?? [])];
    // The same nodes make the same enum: kept, so what is derived from it can be kept too.
    const known = builtEnums.get(def);
    if (known && sameNodes(known.values, values)) {
      enums.set(def.name.value, known.value);
      continue;
    }
    const value: ModelEnum = {
      name: def.name.value,
      node: def,
      renamedFrom: stringArgument(directive(def, 'renamedFrom'), 'name'),
      values: values.map((v) => ({ name: v.name.value, renamedFrom: stringArgument(directive(v, 'renamedFrom'), 'name') })),
    };
    builtEnums.set(def, { values, value });
    enums.set(def.name.value, value);
  }
  const nonEntities = new Set<string>();
  const rootSet = new Set([roots.query, roots.mutation, roots.subscription]);
  for (const [name, node] of objects) {
    const transient = directive(node, 'transient') || extraDirectives.get(name)?.some((d) => d.name.value === 'transient');
    if (rootSet.has(name) || transient) nonEntities.add(name);
  }

  const contexts = new Map<string, string>();
  const contextOf = (typeName: string) => {
    let c = contexts.get(typeName);
    if (c === undefined) {
      c = `${kinds.get(typeName) ?? ''}|${nonEntities.has(typeName) ? 1 : 0}|${enums.has(typeName) ? 1 : 0}`;
      contexts.set(typeName, c);
    }
    return c;
  };
  const world = worldOf(kinds, nonEntities, enums);
  const mapped: MappedEntity[] = [];
  for (const [name, node] of objects) {
    if (nonEntities.has(name)) continue;
    const nodes = extraFields.has(name) ? [...(node.fields ?? []), ...extraFields.get(name)!] : (node.fields ?? []);
    mapped.push({ name, node, ...mappedEntityFields(node, nodes, world, contextOf, kinds, nonEntities, enums) });
  }
  const pairing = pairingOf(mapped);
  // An entity made of the same fields, paired the same way, as the last model built from its node
  // is that entity: the model hands out the same object, so what is derived from it is kept.
  const entities = new Map<string, Entity>();
  for (const { name, node, fields: pristine, relations } of mapped) {
    const renamedFrom = stringArgument(directive(node, 'renamedFrom'), 'name');
    const paired = relations.map((f) => pairing.get(f));
    const known = builtEntities.get(node);
    if (
      known &&
      known.pristine === pristine &&
      known.entity.renamedFrom === renamedFrom &&
      known.paired.every((p, i) => samePairing(p, paired[i]))
    ) {
      entities.set(name, known.entity);
      continue;
    }
    const fields = pristine.map((f) => (f.relation ? { ...f, relation: Object.assign({ ...f.relation }, pairing.get(f)) } : f));
    const entity: Entity = { name, node, fields, idFields: fields.filter((f) => f.kind === 'id'), renamedFrom };
    builtEntities.set(node, { pristine, paired, entity });
    entities.set(name, entity);
  }
  return { entities, enums, nonEntities, roots };
}

/** An entity's fields as mapped before pairing: kept per node, shared by every model. */
interface MappedEntity {
  name: string;
  node: ObjectTypeDefinitionNode;
  fields: ModelField[];
  /** Its relation fields, in field order. */
  relations: ModelField[];
}

/** What pairing decides for a relation field (the keys in the order pairing sets them). */
type Pairing = Partial<Pick<ModelRelation, 'badInverse' | 'badInverseReason' | 'ambiguousWith' | 'inverse' | 'kind' | 'owner'>>;

function samePairing(a: Pairing | undefined, b: Pairing | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.badInverse === b.badInverse &&
    a.badInverseReason === b.badInverseReason &&
    a.inverse === b.inverse &&
    a.kind === b.kind &&
    a.owner === b.owner &&
    (a.ambiguousWith === b.ambiguousWith || (!!a.ambiguousWith && !!b.ambiguousWith && sameNodes(a.ambiguousWith, b.ambiguousWith)))
  );
}

/**
 * The last pairing, by what it read: each relation field's entity, name, target, list-ness and
 * explicit inverse, and which field that inverse names. An edit that changes none of these (a
 * column added, say) pairs exactly as before, though the edited type's fields are new nodes.
 */
let lastPairing: { key: string; decisions: (Pairing | undefined)[] } | undefined;
/** Each entity's part of the pairing key, by its kept relation fields (which belong to one type node). */
const relationKeys = new WeakMap<ModelField[], string>();

/** Forgets the last pairing (tests compare with a model built from scratch; the rest goes with the nodes). */
export function clearModelCaches(): void {
  lastPairing = undefined;
}

function pairingOf(mapped: MappedEntity[]): Map<ModelField, Pairing> {
  const relations: ModelField[] = [];
  const seen = new Set<string>();
  for (const m of mapped) {
    if (seen.has(m.name)) continue; // pairing sees the first entity of a name
    seen.add(m.name);
    for (const f of m.relations) relations.push(f);
  }
  let key = '';
  let explicit = false;
  seen.clear();
  for (const m of mapped) {
    if (seen.has(m.name)) continue;
    seen.add(m.name);
    let part = relationKeys.get(m.relations);
    if (part === undefined) {
      part = m.name;
      for (const f of m.relations) {
        const inverse = explicitInverse(f.node);
        part += `|${f.name}|${f.relation!.target}|${+f.list}${inverse === undefined ? '' : `|${JSON.stringify(inverse)}`};`;
      }
      relationKeys.set(m.relations, part);
    }
    key += part + '\n';
    if (!explicit) explicit = m.relations.some((f) => explicitInverse(f.node) !== undefined);
  }
  if (explicit) {
    // Which field each explicit inverse names: a relation field (by its place) or another field.
    const index = new Map(relations.map((f, i) => [f, i]));
    const byName = new Map<string, MappedEntity>();
    for (const m of mapped) if (!byName.has(m.name)) byName.set(m.name, m);
    for (const f of relations) {
      const inverse = explicitInverse(f.node);
      if (inverse === undefined) continue;
      const named = byName.get(f.relation!.target)?.fields.find((x) => x.name === inverse);
      key += `${named ? (index.get(named) ?? 'scalar') : 'none'};`;
    }
  }
  let decisions: (Pairing | undefined)[];
  if (lastPairing?.key === key) decisions = lastPairing.decisions;
  else {
    const decided = pairRelations(mapped);
    // Frozen: every model until the next change of these fields shares them.
    decisions = relations.map((f) => {
      const d = decided.get(f);
      if (d?.ambiguousWith) Object.freeze(d.ambiguousWith);
      return d && Object.freeze(d);
    });
    lastPairing = { key, decisions };
  }
  const out = new Map<ModelField, Pairing>();
  relations.forEach((f, i) => {
    const d = decisions[i];
    if (d) out.set(f, d);
  });
  return out;
}

/**
 * What a field maps to depends on its own node and on what its named type is (its kind, whether
 * it is stored, whether it is an enum: its "context"). Both are kept per entity node and per field
 * node, so after an edit only the fields of changed chunks, or of fields whose type changed nature,
 * are mapped again; the analysis keeps the nodes of unchanged chunks. The kept fields are frozen
 * and shared by every model built from then on; pairing decides apart from them, and an entity
 * that is not the same as last time gets copies of its relation fields with the decisions in.
 */
const mappedFields = new WeakMap<FieldDefinitionNode, { context: string; field: ModelField }>();
const mappedEntities = new WeakMap<
  ObjectTypeDefinitionNode,
  { nodes: readonly FieldDefinitionNode[]; contexts: string[]; world: number; fields: ModelField[]; relations: ModelField[] }
>();

/**
 * Every field's context at once: the names declared, with their kinds, the types not stored and
 * the enums, as a small number (the same for the same declarations). An entity's fields kept under
 * the same number need no context compared one by one.
 */
function worldOf(kinds: Map<string, DefinitionNode['kind']>, nonEntities: Set<string>, enums: Map<string, ModelEnum>): number {
  let key = '';
  for (const [name, kind] of kinds) key += `${name}:${kind};`;
  key += '|';
  for (const name of nonEntities) key += `${name};`;
  key += '|';
  for (const name of enums.keys()) key += `${name};`;
  let id = worlds.get(key);
  if (id === undefined) {
    if (worlds.size >= 16) worlds.clear();
    id = ++lastWorld;
    worlds.set(key, id);
  }
  return id;
}
const worlds = new Map<string, number>();
let lastWorld = 0;

function mappedEntityFields(
  node: ObjectTypeDefinitionNode,
  nodes: readonly FieldDefinitionNode[],
  world: number,
  contextOf: (typeName: string) => string,
  kinds: Map<string, DefinitionNode['kind']>,
  nonEntities: Set<string>,
  enums: Map<string, ModelEnum>,
): { fields: ModelField[]; relations: ModelField[] } {
  const hit = mappedEntities.get(node);
  let pristine: ModelField[] | undefined;
  if (hit && hit.nodes.length === nodes.length) {
    pristine = hit.fields;
    const sameWorld = hit.world === world;
    for (let i = 0; i < nodes.length; i++) {
      if (hit.nodes[i] !== nodes[i] || (!sameWorld && hit.contexts[i] !== contextOf(pristine[i].typeName))) {
        pristine = undefined;
        break;
      }
    }
    if (pristine) hit.world = world;
  }
  if (!pristine) {
    const contexts: string[] = [];
    pristine = nodes.map((f) => {
      const context = contextOf(namedTypeOf(f.type));
      contexts.push(context);
      let known = mappedFields.get(f);
      if (!known || known.context !== context) {
        known = { context, field: Object.freeze(mapField(f, kinds, nonEntities, enums)) };
        mappedFields.set(f, known);
      }
      return known.field;
    });
    mappedEntities.set(node, { nodes: nodes.slice(), contexts, world, fields: pristine, relations: pristine.filter((f) => f.relation) });
  }
  return { fields: pristine, relations: mappedEntities.get(node)!.relations };
}

/** The last enum built from each enum node, with the value nodes it was built from. */
const builtEnums = new WeakMap<EnumTypeDefinitionNode, { values: readonly EnumValueDefinitionNode[]; value: ModelEnum }>();
/** The last entity built from each object type node: its kept fields and what pairing made of them. */
const builtEntities = new WeakMap<ObjectTypeDefinitionNode, { pristine: ModelField[]; paired: (Pairing | undefined)[]; entity: Entity }>();

const sameNodes = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function namedTypeOf(type: TypeNode): string {
  let t = type;
  while (t.kind !== Kind.NAMED_TYPE) t = t.type;
  return t.name.value;
}

function mapField(
  f: FieldDefinitionNode,
  kinds: Map<string, DefinitionNode['kind']>,
  nonEntities: Set<string>,
  enums: Map<string, ModelEnum>,
): ModelField {
  const t = unwrap(f.type);
  const base: ModelField = {
    name: f.name.value,
    node: f,
    typeName: t.name,
    list: t.list,
    nonNull: t.nonNull,
    kind: 'unsupported',
    unique: !!directive(f, 'unique'),
    index: !!directive(f, 'index'),
    default: stringArgument(directive(f, 'default'), 'value'),
    length: intArgument(directive(f, 'length'), 'max'),
    renamedFrom: stringArgument(directive(f, 'renamedFrom'), 'name'),
  };
  const kind = kinds.get(t.name);
  if (t.nestedList) return { ...base, problem: 'lists of lists cannot be stored; use `JSON`' };
  if (f.arguments?.length)
    return { ...base, problem: 'a stored field cannot take arguments; move it to `Query` with a resolver, or remove the arguments' };
  if (t.name === 'ID' && !t.list) return { ...base, kind: 'id', columnType: 'bigint' };
  if (SCALAR_COLUMN_TYPES[t.name] && (kind === undefined || kind === Kind.SCALAR_TYPE_DEFINITION)) {
    let columnType = SCALAR_COLUMN_TYPES[t.name];
    if (t.name === 'String' && base.length) columnType = `character varying(${base.length})`;
    return { ...base, kind: 'scalar', columnType: t.list ? columnType + '[]' : columnType };
  }
  if (enums.has(t.name)) return { ...base, kind: 'enum', columnType: t.list ? `${t.name}[]` : t.name };
  if (kind === Kind.OBJECT_TYPE_DEFINITION) {
    if (nonEntities.has(t.name))
      return {
        ...base,
        problem: `"${t.name}" is not stored (it is a root or @transient type); store it as \`JSON\`, or make "${t.name}" an entity`,
      };
    return {
      ...base,
      kind: 'relation',
      relation: { target: t.name, kind: t.list ? 'many-to-many' : 'many-to-one', owner: true, onDelete: onDeleteOf(f) },
    };
  }
  if (kind === Kind.SCALAR_TYPE_DEFINITION)
    return {
      ...base,
      problem: `the custom scalar "${t.name}" has no column type; use one of ${Object.keys(SCALAR_COLUMN_TYPES).join(', ')}, or \`JSON\``,
    };
  if (kind === Kind.INTERFACE_TYPE_DEFINITION || kind === Kind.UNION_TYPE_DEFINITION)
    return {
      ...base,
      problem: `relations to an interface or union ("${t.name}") cannot be stored; point at a concrete type, or mark the type @transient`,
    };
  // An unknown type is reported by GraphQL validation already.
  return kind ? { ...base, problem: `"${t.name}" cannot be stored in a column` } : base;
}

function onDeleteOf(f: FieldDefinitionNode): ModelRelation['onDelete'] {
  const v = stringArgument(directive(f, 'relation'), 'onDelete');
  return v === 'CASCADE' ? 'CASCADE' : v === 'SET_NULL' ? 'SET NULL' : 'NO ACTION';
}

/**
 * Pairs each relation field with its inverse on the other entity and decides the relation kind
 * and owning side. Rule: an explicit `@relation(inverse:)` wins; otherwise a field pairs with the
 * only field on the other type that points back, when each side has exactly one such field.
 * The owner of a one-to-one or many-to-many pair is the side whose type name sorts first
 * (then the field name), so the choice never depends on the order of the schema.
 */
function pairRelations(mapped: MappedEntity[]): Map<ModelField, Pairing> {
  const entities = new Map<string, MappedEntity>();
  for (const m of mapped) if (!entities.has(m.name)) entities.set(m.name, m);
  // Decisions go here, not into the fields: those are shared by every model.
  const decided = new Map<ModelField, Pairing>();
  const decide = (f: ModelField): Pairing => {
    let d = decided.get(f);
    if (!d) {
      d = {};
      decided.set(f, d);
    }
    return d;
  };
  const explicitOf = (f: ModelField) => explicitInverse(f.node);
  const partner = new Map<ModelField, ModelField>();
  const pointsBack = (f: ModelField, entity: MappedEntity) => f.relation?.target === entity.name;
  // Indexes over each entity's fields, in field order: the first field of a name, and the
  // relation fields by target (what `fields.find` and `fields.filter` would visit, in order).
  const byName = new Map<MappedEntity, Map<string, ModelField>>();
  const fieldNamed = (entity: MappedEntity, name: string) => {
    let m = byName.get(entity);
    if (!m) {
      m = new Map();
      for (const f of entity.fields) if (!m.has(f.name)) m.set(f.name, f);
      byName.set(entity, m);
    }
    return m.get(name);
  };
  const byTarget = new Map<MappedEntity, Map<string, ModelField[]>>();
  const relationsTo = (entity: MappedEntity, target: string): ModelField[] => {
    let m = byTarget.get(entity);
    if (!m) {
      m = new Map();
      for (const f of entity.fields) {
        if (!f.relation) continue;
        const list = m.get(f.relation.target);
        if (list) list.push(f);
        else m.set(f.relation.target, [f]);
      }
      byTarget.set(entity, m);
    }
    return m.get(target) ?? [];
  };

  // The relation fields, in entity and field order: every step below skips the other fields.
  const relations: { entity: MappedEntity; field: ModelField; rel: ModelRelation; explicit: string | undefined }[] = [];
  for (const entity of entities.values())
    for (const field of entity.relations) relations.push({ entity, field, rel: field.relation!, explicit: explicitOf(field) });

  // 1. Explicit pairs: @relation(inverse:) on one side, and the other side agrees or says nothing.
  // A field claimed by several fields pairs with none of them (whatever their order).
  const claims = new Map<ModelField, ModelField[]>();
  for (const { field, rel, explicit } of relations) {
    const targetEntity = explicit !== undefined ? entities.get(rel.target) : undefined;
    const inverse = targetEntity && fieldNamed(targetEntity, explicit!);
    if (inverse) claims.set(inverse, [...(claims.get(inverse) ?? []), field]);
  }
  for (const { entity, field, rel, explicit } of relations) {
    if (explicit === undefined) continue;
    const target = entities.get(rel.target);
    if (!target) continue;
    const inverse = fieldNamed(target, explicit);
    let problem: string | undefined;
    if (!inverse || !pointsBack(inverse, entity)) problem = `"${rel.target}" has no field "${explicit}" of type "${entity.name}"`;
    else if (inverse === field) problem = 'a field cannot be its own inverse';
    else if (explicitOf(inverse) !== undefined && explicitOf(inverse) !== field.name)
      problem = `"${rel.target}.${explicit}" names "${explicitOf(inverse)}" as its inverse`;
    else if (claims.get(inverse)!.length > 1)
      problem = `"${rel.target}.${explicit}" is named as the inverse by ${claims
        .get(inverse)!
        .map((f) => `"${f.name}"`)
        .join(' and ')}`;
    if (problem) {
      decide(field).badInverse = explicit;
      decide(field).badInverseReason = problem;
      continue;
    }
    partner.set(field, inverse!);
    partner.set(inverse!, field);
  }

  // 2. Implicit pairs: the only free field on each side that points at the other.
  const free = (f: ModelField) => !partner.has(f) && explicitOf(f) === undefined;
  for (const { entity, field, rel, explicit } of relations) {
    if (partner.has(field) || explicit !== undefined) continue;
    const target = entities.get(rel.target);
    if (!target) continue;
    const backs = relationsTo(target, entity.name).filter((f) => f !== field && free(f));
    const siblings = relationsTo(entity, rel.target).filter(free);
    if (backs.length === 1 && siblings.length === 1) {
      partner.set(field, backs[0]);
      partner.set(backs[0], field);
    } else if (backs.length >= 1) {
      decide(field).ambiguousWith = backs.map((b) => b.name);
    }
  }

  // 3. Kinds and owners.
  for (const { entity, field, rel } of relations) {
    const inverse = partner.get(field);
    if (!inverse) continue;
    const d = decide(field);
    d.inverse = inverse.name;
    if (field.list && inverse.list) {
      d.kind = 'many-to-many';
      d.owner = ownsPair(entity.name, field.name, rel.target, inverse.name);
    } else if (field.list) {
      d.kind = 'one-to-many';
      d.owner = false;
    } else if (inverse.list) {
      d.kind = 'many-to-one';
      d.owner = true;
    } else {
      d.kind = 'one-to-one';
      d.owner = ownsPair(entity.name, field.name, rel.target, inverse.name);
    }
  }
  return decided;
}

/** A field's `@relation(inverse:)`, per node. */
const explicitInverses = new WeakMap<FieldDefinitionNode, { value: string | undefined }>();
function explicitInverse(node: FieldDefinitionNode): string | undefined {
  let hit = explicitInverses.get(node);
  if (!hit) {
    hit = { value: stringArgument(directive(node, 'relation'), 'inverse') };
    explicitInverses.set(node, hit);
  }
  return hit.value;
}

function ownsPair(type: string, field: string, otherType: string, otherField: string): boolean {
  if (type !== otherType) return type < otherType;
  return field < otherField;
}
