// The data model a service schema describes: which object types are entities, their columns and
// column types, and how relation fields pair up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { buildModel, DataModel, Entity, ModelField, ModelRelation } from '../../core/src/model/model';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import './support'; // the fixed fast-check seed

/** The model of a service schema, built as the product builds it: with the platform prelude. */
function modelOf(sdl: string): DataModel {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(sdl);
  return buildModel(analysis.documentWithPrelude());
}

function entity(model: DataModel, name: string): Entity {
  const e = model.entities.get(name);
  assert.ok(e, `"${name}" is an entity; entities: ${[...model.entities.keys()].join(', ')}`);
  return e;
}

function field(model: DataModel, typeName: string, fieldName: string): ModelField {
  const f = entity(model, typeName).fields.find((x) => x.name === fieldName);
  assert.ok(f, `${typeName}.${fieldName} is a field of the entity`);
  return f;
}

function relation(model: DataModel, typeName: string, fieldName: string): ModelRelation {
  const r = field(model, typeName, fieldName).relation;
  assert.ok(r, `${typeName}.${fieldName} is a relation`);
  return r;
}

/** The parts of a relation the tests pin down. */
function shape(r: ModelRelation): Partial<ModelRelation> {
  const out: Partial<ModelRelation> = { target: r.target, kind: r.kind, owner: r.owner };
  if (r.inverse !== undefined) out.inverse = r.inverse;
  if (r.ambiguousWith !== undefined) out.ambiguousWith = r.ambiguousWith;
  if (r.badInverse !== undefined) out.badInverse = r.badInverse;
  return out;
}

describe('entities', () => {
  it('makes every object type an entity except the roots and @transient types', () => {
    const model = modelOf(`
      type Query { posts: [Post!]! }
      type Mutation { publish: Post }
      type Subscription { published: Post }
      type Post { id: ID! }
      type Stats @transient { count: Int }
      interface Node { id: ID! }
      input PostInput { title: String }
      enum Color { RED }
    `);
    assert.deepEqual([...model.entities.keys()], ['Post']);
    assert.deepEqual([...model.nonEntities].sort(), ['Mutation', 'Query', 'Stats', 'Subscription']);
  });

  it('takes the roots from the schema definition', () => {
    const model = modelOf(`
      schema { query: Root mutation: Change }
      type Root { a: Int }
      type Change { b: Int }
      type Query { id: ID! }
    `);
    assert.deepEqual(model.roots, { query: 'Root', mutation: 'Change', subscription: 'Subscription' });
    assert.deepEqual([...model.nonEntities].sort(), ['Change', 'Root']);
    assert.ok(model.entities.has('Query'), 'a type named Query that is not a root is stored');
  });

  it('finds the ID fields: none, one, several; a list of IDs is not a key', () => {
    const model = modelOf(`
      type Query { a: Int }
      type NoKey { name: String }
      type OneKey { id: ID! name: String }
      type TwoKeys { id: ID! other: ID }
      type ListOfIds { id: ID! refs: [ID!] }
    `);
    assert.deepEqual(
      entity(model, 'NoKey').idFields.map((f) => f.name),
      [],
    );
    assert.deepEqual(
      entity(model, 'OneKey').idFields.map((f) => f.name),
      ['id'],
    );
    assert.deepEqual(
      entity(model, 'TwoKeys').idFields.map((f) => f.name),
      ['id', 'other'],
    );
    assert.deepEqual(
      entity(model, 'ListOfIds').idFields.map((f) => f.name),
      ['id'],
    );
    assert.equal(field(model, 'ListOfIds', 'refs').columnType, 'character varying[]');
    assert.equal(field(model, 'OneKey', 'id').columnType, 'bigint');
  });

  it('keeps @renamedFrom of types, fields, enums and enum values', () => {
    const model = modelOf(`
      type Query { a: Int }
      type Article @renamedFrom(name: "Post") { id: ID! headline: String @renamedFrom(name: "title") }
      enum Mood @renamedFrom(name: "Feeling") { HAPPY @renamedFrom(name: "GLAD") SAD }
    `);
    assert.equal(entity(model, 'Article').renamedFrom, 'Post');
    assert.equal(field(model, 'Article', 'headline').renamedFrom, 'title');
    assert.equal(model.enums.get('Mood')?.renamedFrom, 'Feeling');
    assert.deepEqual(model.enums.get('Mood')?.values, [
      { name: 'HAPPY', renamedFrom: 'GLAD' },
      { name: 'SAD', renamedFrom: undefined },
    ]);
  });

  it('includes the fields an extension adds to an entity', () => {
    const model = modelOf(`
      type Query { a: Int }
      type Post { id: ID! title: String }
      extend type Post { views: Int }
    `);
    assert.deepEqual(
      entity(model, 'Post').fields.map((f) => f.name),
      ['id', 'title', 'views'],
    );
    assert.equal(field(model, 'Post', 'views').columnType, 'integer');
  });

  it('includes the values an extension adds to an enum', () => {
    const model = modelOf(`
      type Query { a: Int }
      enum Color { RED }
      extend enum Color { BLUE }
    `);
    assert.deepEqual(
      model.enums.get('Color')?.values.map((v) => v.name),
      ['RED', 'BLUE'],
    );
  });
});

describe('column types', () => {
  const model = modelOf(`
    type Query { a: Int }
    enum Status { DRAFT PUBLISHED }
    type Row {
      id: ID!
      text: String
      code: String @length(max: 40)
      count: Int!
      ratio: Float
      done: Boolean
      at: DateTime
      on: Date
      data: JSON
      big: BigInt
      money: Decimal
      tags: [String!]
      codes: [String!] @length(max: 3)
      scores: [Int]
      status: Status!
      history: [Status!]
    }
  `);
  const cases: [string, string, ModelField['kind']][] = [
    ['text', 'character varying', 'scalar'],
    ['code', 'character varying(40)', 'scalar'],
    ['count', 'integer', 'scalar'],
    ['ratio', 'double precision', 'scalar'],
    ['done', 'boolean', 'scalar'],
    ['at', 'timestamp with time zone', 'scalar'],
    ['on', 'date', 'scalar'],
    ['data', 'jsonb', 'scalar'],
    ['big', 'bigint', 'scalar'],
    ['money', 'numeric', 'scalar'],
    ['tags', 'character varying[]', 'scalar'],
    ['codes', 'character varying(3)[]', 'scalar'],
    ['scores', 'integer[]', 'scalar'],
    ['status', 'Status', 'enum'],
    ['history', 'Status[]', 'enum'],
  ];
  for (const [name, columnType, kind] of cases) {
    it(`${name} → ${columnType}`, () => {
      const f = field(model, 'Row', name);
      assert.equal(f.columnType, columnType);
      assert.equal(f.kind, kind);
    });
  }

  it('records nullability, lists, @unique, @index, @default and @length', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Account { id: ID! email: String! @unique @length(max: 200) handle: String @index score: Int @default(value: "0") tags: [String] }
    `);
    const email = field(m, 'Account', 'email');
    assert.deepEqual([email.nonNull, email.list, email.unique, email.index, email.length], [true, false, true, false, 200]);
    const handle = field(m, 'Account', 'handle');
    assert.deepEqual([handle.nonNull, handle.unique, handle.index], [false, false, true]);
    assert.equal(field(m, 'Account', 'score').default, '0');
    assert.deepEqual([field(m, 'Account', 'tags').list, field(m, 'Account', 'tags').typeName], [true, 'String']);
  });

  it('a user type named like a prelude scalar is not that scalar', () => {
    const m = modelOf(`
      type Query { a: Int }
      enum JSON { A B }
      type Row { id: ID! data: JSON }
    `);
    assert.equal(field(m, 'Row', 'data').kind, 'enum');
    assert.equal(field(m, 'Row', 'data').columnType, 'JSON');
  });
});

describe('unsupported field types', () => {
  const model = modelOf(`
    type Query { a: Int }
    type Stats @transient { n: Int }
    scalar Url
    interface Node { id: ID! }
    union Thing = Post | Stats
    input PostInput { title: String }
    type Post {
      id: ID!
      matrix: [[Int]]
      search(term: String): String
      stats: Stats
      root: Query
      url: Url
      node: Node
      thing: Thing
      input: PostInput
      missing: Nowhere
    }
  `);
  const cases: [string, RegExp][] = [
    ['matrix', /lists of lists/],
    ['search', /cannot take arguments/],
    ['stats', /"Stats" is not stored/],
    ['root', /"Query" is not stored/],
    ['url', /custom scalar "Url"/],
    ['node', /interface or union \("Node"\)/],
    ['thing', /interface or union \("Thing"\)/],
    ['input', /"PostInput" cannot be stored/],
  ];
  for (const [name, problem] of cases) {
    it(`${name} cannot be stored`, () => {
      const f = field(model, 'Post', name);
      assert.equal(f.kind, 'unsupported');
      assert.equal(f.columnType, undefined);
      assert.match(f.problem ?? '', problem);
    });
  }

  it('an unknown type is left to GraphQL validation', () => {
    const f = field(model, 'Post', 'missing');
    assert.equal(f.kind, 'unsupported');
    assert.equal(f.problem, undefined);
  });
});

describe('relations', () => {
  it('pairs a many-to-one with its one-to-many inverse; the many side owns the key', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Post { id: ID! author: Author }
      type Author { id: ID! posts: [Post!]! }
    `);
    assert.deepEqual(shape(relation(m, 'Post', 'author')), { target: 'Author', kind: 'many-to-one', owner: true, inverse: 'posts' });
    assert.deepEqual(shape(relation(m, 'Author', 'posts')), { target: 'Post', kind: 'one-to-many', owner: false, inverse: 'author' });
  });

  it('leaves a relation without a field pointing back unpaired: a reference, or a join table for a list', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Post { id: ID! category: Category tags: [Tag!] }
      type Category { id: ID! }
      type Tag { id: ID! }
    `);
    assert.deepEqual(shape(relation(m, 'Post', 'category')), { target: 'Category', kind: 'many-to-one', owner: true });
    assert.deepEqual(shape(relation(m, 'Post', 'tags')), { target: 'Tag', kind: 'many-to-many', owner: true });
  });

  it('one-to-one: the side whose type name sorts first owns the key, whatever the order of the schema', () => {
    for (const sdl of [
      'type Query { a: Int }\ntype User { id: ID! profile: Profile }\ntype Profile { id: ID! user: User }',
      'type Query { a: Int }\ntype Profile { id: ID! user: User }\ntype User { id: ID! profile: Profile }',
    ]) {
      const m = modelOf(sdl);
      assert.deepEqual(shape(relation(m, 'Profile', 'user')), { target: 'User', kind: 'one-to-one', owner: true, inverse: 'profile' });
      assert.deepEqual(shape(relation(m, 'User', 'profile')), { target: 'Profile', kind: 'one-to-one', owner: false, inverse: 'user' });
    }
  });

  it('many-to-many: the side whose type name sorts first owns the join table', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Tag { id: ID! posts: [Post!]! }
      type Post { id: ID! tags: [Tag!]! }
    `);
    assert.deepEqual(shape(relation(m, 'Post', 'tags')), { target: 'Tag', kind: 'many-to-many', owner: true, inverse: 'posts' });
    assert.deepEqual(shape(relation(m, 'Tag', 'posts')), { target: 'Post', kind: 'many-to-many', owner: false, inverse: 'tags' });
  });

  it('a self relation with one field is an unpaired reference', () => {
    const m = modelOf('type Query { a: Int }\ntype Person { id: ID! parent: Person }');
    assert.deepEqual(shape(relation(m, 'Person', 'parent')), { target: 'Person', kind: 'many-to-one', owner: true });
  });

  it('a self relation with two fields is ambiguous until @relation(inverse:) pairs them', () => {
    const open = modelOf('type Query { a: Int }\ntype Person { id: ID! manager: Person reports: [Person] }');
    assert.deepEqual(relation(open, 'Person', 'manager').ambiguousWith, ['reports']);
    assert.deepEqual(relation(open, 'Person', 'reports').ambiguousWith, ['manager']);

    const paired = modelOf(
      'type Query { a: Int }\ntype Person { id: ID! manager: Person @relation(inverse: "reports") reports: [Person] }',
    );
    assert.deepEqual(shape(relation(paired, 'Person', 'manager')), {
      target: 'Person',
      kind: 'many-to-one',
      owner: true,
      inverse: 'reports',
    });
    assert.deepEqual(shape(relation(paired, 'Person', 'reports')), {
      target: 'Person',
      kind: 'one-to-many',
      owner: false,
      inverse: 'manager',
    });
  });

  it('a self many-to-many: the field whose name sorts first owns the join table', () => {
    const m = modelOf(
      'type Query { a: Int }\ntype Person { id: ID! following: [Person] @relation(inverse: "followers") followers: [Person] }',
    );
    assert.deepEqual(shape(relation(m, 'Person', 'followers')), {
      target: 'Person',
      kind: 'many-to-many',
      owner: true,
      inverse: 'following',
    });
    assert.deepEqual(shape(relation(m, 'Person', 'following')), {
      target: 'Person',
      kind: 'many-to-many',
      owner: false,
      inverse: 'followers',
    });
  });

  it('two relations between the same types are ambiguous; @relation(inverse:) on both settles it', () => {
    const open = modelOf(`
      type Query { a: Int }
      type Post { id: ID! author: User editor: User }
      type User { id: ID! posts: [Post] edited: [Post] }
    `);
    assert.deepEqual(relation(open, 'Post', 'author').ambiguousWith, ['posts', 'edited']);
    assert.deepEqual(relation(open, 'Post', 'editor').ambiguousWith, ['posts', 'edited']);
    assert.deepEqual(relation(open, 'User', 'posts').ambiguousWith, ['author', 'editor']);

    const settled = modelOf(`
      type Query { a: Int }
      type Post { id: ID! author: User @relation(inverse: "posts") editor: User @relation(inverse: "edited") }
      type User { id: ID! posts: [Post] edited: [Post] }
    `);
    assert.deepEqual(shape(relation(settled, 'Post', 'author')), { target: 'User', kind: 'many-to-one', owner: true, inverse: 'posts' });
    assert.deepEqual(shape(relation(settled, 'Post', 'editor')), { target: 'User', kind: 'many-to-one', owner: true, inverse: 'edited' });
    assert.deepEqual(shape(relation(settled, 'User', 'posts')), { target: 'Post', kind: 'one-to-many', owner: false, inverse: 'author' });
    assert.deepEqual(shape(relation(settled, 'User', 'edited')), { target: 'Post', kind: 'one-to-many', owner: false, inverse: 'editor' });
  });

  it('a field another field already claims with @relation(inverse:) is no candidate for the rest', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Post { id: ID! author: User @relation(inverse: "posts") editor: User }
      type User { id: ID! posts: [Post] edited: [Post] }
    `);
    assert.ok(
      !(relation(m, 'Post', 'editor').ambiguousWith ?? []).includes('posts'),
      `candidates: ${relation(m, 'Post', 'editor').ambiguousWith}`,
    );
    assert.ok(
      !(relation(m, 'User', 'edited').ambiguousWith ?? []).includes('author'),
      `candidates: ${relation(m, 'User', 'edited').ambiguousWith}`,
    );
  });

  it("a field claimed by a sibling's @relation(inverse:) does not pair with another sibling too", () => {
    const m = modelOf(`
      type Query { a: Int }
      type A { id: ID! x: C y: C @relation(inverse: "y") }
      type C { id: ID! y: A }
    `);
    assert.deepEqual(shape(relation(m, 'A', 'y')), { target: 'C', kind: 'one-to-one', owner: true, inverse: 'y' });
    assert.deepEqual(shape(relation(m, 'C', 'y')), { target: 'A', kind: 'one-to-one', owner: false, inverse: 'y' });
    // C.y is taken: A.x has no field left pointing back, so it is a plain reference.
    assert.deepEqual(shape(relation(m, 'A', 'x')), { target: 'C', kind: 'many-to-one', owner: true });
  });

  it('two explicit claims on the same inverse are reported, not half-paired', () => {
    const m = modelOf(`
      type Query { a: Int }
      type A { id: ID! z: B @relation(inverse: "w") }
      type B { id: ID! w: A x: A @relation(inverse: "z") }
    `);
    assert.deepEqual(shape(relation(m, 'A', 'z')), { target: 'B', kind: 'one-to-one', owner: true, inverse: 'w' });
    const x = relation(m, 'B', 'x');
    assert.ok(x.badInverse === 'z' || x.ambiguousWith, `B.x claims A.z, which pairs with B.w: ${JSON.stringify(shape(x))}`);
  });

  it('an explicit inverse on one side pairs the other side too', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Post { id: ID! author: User writer: User }
      type User { id: ID! posts: [Post] @relation(inverse: "author") }
    `);
    assert.deepEqual(shape(relation(m, 'User', 'posts')), { target: 'Post', kind: 'one-to-many', owner: false, inverse: 'author' });
    assert.deepEqual(shape(relation(m, 'Post', 'author')), { target: 'User', kind: 'many-to-one', owner: true, inverse: 'posts' });
  });

  it('a bad inverse: a missing field, a field of another type, the field itself', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Post { id: ID! author: User @relation(inverse: "nope") editor: User @relation(inverse: "name") }
      type User { id: ID! name: String spouse: User @relation(inverse: "spouse") }
    `);
    assert.equal(relation(m, 'Post', 'author').badInverse, 'nope');
    assert.equal(relation(m, 'Post', 'editor').badInverse, 'name');
    assert.equal(relation(m, 'User', 'spouse').badInverse, 'spouse');
    assert.equal(relation(m, 'Post', 'author').inverse, undefined);
  });

  it('reads onDelete', () => {
    const m = modelOf(`
      type Query { a: Int }
      type Post { id: ID! a: User @relation(onDelete: CASCADE) b: User @relation(onDelete: SET_NULL) c: User }
      type User { id: ID! }
    `);
    assert.equal(relation(m, 'Post', 'a').onDelete, 'CASCADE');
    assert.equal(relation(m, 'Post', 'b').onDelete, 'SET NULL');
    assert.equal(relation(m, 'Post', 'c').onDelete, 'NO ACTION');
  });

  it('every pair agrees on both sides and exactly one side owns it, unless an error says otherwise (property)', () => {
    const names = ['A', 'B', 'C'];
    const fieldNames = ['x', 'y', 'z'];
    const relField = fc.record({
      name: fc.constantFrom(...fieldNames),
      target: fc.constantFrom(...names),
      list: fc.boolean(),
      inverse: fc.option(fc.constantFrom(...fieldNames), { nil: undefined, freq: 4 }),
    });
    const schema = fc
      .tuple(...names.map(() => fc.uniqueArray(relField, { selector: (f) => f.name, maxLength: 3 })))
      .map(
        (types) =>
          'type Query { a: Int }\n' +
          types
            .map(
              (fields, i) =>
                `type ${names[i]} { id: ID! ${fields
                  .map((f) => `${f.name}: ${f.list ? `[${f.target}]` : f.target}${f.inverse ? ` @relation(inverse: "${f.inverse}")` : ''}`)
                  .join(' ')} }`,
            )
            .join('\n'),
      );
    fc.assert(
      fc.property(schema, (sdl) => {
        const m = modelOf(sdl);
        for (const e of m.entities.values()) {
          for (const f of e.fields) {
            const r = f.relation;
            if (!r?.inverse) continue;
            const other = field(m, r.target, r.inverse);
            const back = other.relation!;
            // A side that is reported (bad or ambiguous inverse) may disagree: the user is told.
            if (back.badInverse !== undefined || back.ambiguousWith) continue;
            // The other side names this field back, with the mirrored kind.
            assert.equal(back.inverse, f.name, `${e.name}.${f.name} ↔ ${r.target}.${r.inverse}\n${sdl}`);
            const mirror = {
              'many-to-one': 'one-to-many',
              'one-to-many': 'many-to-one',
              'one-to-one': 'one-to-one',
              'many-to-many': 'many-to-many',
            } as const;
            assert.equal(back.kind, mirror[r.kind], sdl);
            assert.equal(r.owner !== back.owner, true, `exactly one owner for ${e.name}.${f.name}\n${sdl}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
