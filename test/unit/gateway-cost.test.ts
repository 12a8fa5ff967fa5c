// The gateway's document analysis and cost model: root fields, depth and fields resolved (aliases
// and list items counted, lists sized by first/limit or the default), per-service limits, and the
// cache by document hash.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'fs';
import * as path from 'path';
import { getIntrospectionQuery } from 'graphql';
import { analyzeDocument, DEFAULT_LIST_SIZE, DocumentCache, schemaShape } from '../../platform/src/gateway/document';
import { checkDocumentSize, checkOperation, costLimitsOf, DEFAULT_COST_LIMITS, MAX_COST_LIMITS } from '../../platform/src/gateway/cost';

const blog = schemaShape(fs.readFileSync(path.join(__dirname, '../fixtures/blog/src/schema.graphql'), 'utf8'));
const op = (text: string, name?: string) => {
  const a = analyzeDocument(text, blog).operation(name);
  assert.ok(a, `no operation in ${text}`);
  return a;
};

describe('document analysis', () => {
  it('names the operation type, name and root fields (names, not aliases; fragments expanded)', () => {
    const a = op(
      'query Feed { allPosts { id } first: post(id: 1) { id } ...More } fragment More on Query { post(id: 2) { title } __typename }',
    );
    assert.equal(a.type, 'query');
    assert.equal(a.name, 'Feed');
    assert.deepEqual(a.rootFields, ['allPosts', 'post', '__typename']);
    const m = op('mutation { createPost(title: "a", body: "b") { id } }');
    assert.equal(m.type, 'mutation');
    assert.equal(m.name, undefined);
    assert.deepEqual(m.rootFields, ['createPost']);
  });

  it('picks the operation GraphQL would run: by name, or the only one', () => {
    const doc = analyzeDocument('query A { allPosts { id } } query B { post(id: 1) { id } }', blog);
    assert.equal(doc.operation('B')?.rootFields[0], 'post');
    assert.equal(doc.operation(), undefined);
    assert.equal(doc.operation('C'), undefined);
    assert.match(analyzeDocument('{ allPosts {', blog).syntaxError ?? '', /Syntax Error/);
  });

  it('measures depth through fields, inline fragments and fragment spreads', () => {
    assert.equal(op('{ __typename }').depth, 1);
    assert.equal(op('{ allPosts { author { posts { id } } } }').depth, 4);
    assert.equal(op('{ allPosts { ... on Post { author { ...A } } } } fragment A on Author { posts { author { name } } }').depth, 5);
  });

  it('counts every field once per time it resolves: lists by first/limit, by a variable, or the default', () => {
    // allPosts (1) + 10 posts × (id + title)
    assert.equal(op('{ allPosts { id title } }').fieldCount(), 1 + DEFAULT_LIST_SIZE * 2);
    // Object fields add their fields once per parent.
    assert.equal(op('{ post(id: 1) { id author { name } } }').fieldCount(), 4);
    // Nested lists multiply.
    assert.equal(op('{ allPosts { author { posts(first: 3) { id } } } }').fieldCount(), 1 + 10 * (1 + 1 + 3));
    assert.equal(op('{ allPosts(limit: 2) { id } }').fieldCount(), 3);
    const v = op('query($n: Int = 4) { allPosts(first: $n) { id } }');
    assert.equal(v.fieldCount(), 5);
    assert.equal(v.fieldCount({ n: 100 }), 101);
    // Aliases are fields of their own: 5,000 of them are 5,000 lists.
    const aliases = `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: allPosts { id title }`).join(' ')} }`;
    assert.equal(op(aliases).fieldCount(), 5000 * 21);
    assert.deepEqual(op(aliases).rootFields, ['allPosts']);
  });

  it('costs a fragment bomb in linear time, and its count grows as the spreads do', () => {
    let doc = '{ ...F0 } fragment F0 on Query { allPosts(first: 1) { id } }';
    for (let i = 1; i <= 40; i++) doc += ` fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`;
    doc = doc.replace('{ ...F0 }', '{ ...F40 }');
    const a = op(doc);
    assert.equal(a.fieldCount(), 2 ** 40 * 2);
    assert.ok(checkOperation(a, undefined, DEFAULT_COST_LIMITS)?.limit === 'fields');
  });

  it('lets the standard introspection query through the default limits', () => {
    const a = op(getIntrospectionQuery());
    assert.equal(checkOperation(a, undefined, DEFAULT_COST_LIMITS), undefined, `depth ${a.depth}, fields ${a.fieldCount()}`);
  });

  it('caches by schema and document hash, dropping the least recently used', () => {
    const cache = new DocumentCache(2);
    const a = cache.analysis('s1', blog, '{ allPosts { id } }');
    assert.equal(cache.analysis('s1', blog, '{ allPosts { id } }'), a);
    assert.notEqual(cache.analysis('s2', blog, '{ allPosts { id } }'), a);
    cache.analysis('s1', blog, '{ allPosts { id } }');
    cache.analysis('s1', blog, '{ __typename }');
    assert.equal(cache.size, 2);
    assert.equal(cache.analysis('s1', blog, '{ allPosts { id } }'), a, 'the entry used last stayed');
  });
});

describe('cost limits', () => {
  it('names the limit and the measured value', () => {
    const deep = checkOperation(op('{ allPosts { author { posts { author { posts { id } } } } } }'), undefined, {
      ...DEFAULT_COST_LIMITS,
      depth: 5,
    });
    assert.equal(deep?.limit, 'depth');
    assert.equal(deep?.measured, 6);
    assert.match(deep!.message, /nests fields 6 deep; the limit \(depth\) is 5/);
    assert.match(checkDocumentSize(70_000, DEFAULT_COST_LIMITS)!.message, /70,000 bytes; the limit \(documentSize\) is 65,536/);
    assert.equal(checkDocumentSize(100, DEFAULT_COST_LIMITS), undefined);
    assert.equal(checkOperation(op('{ allPosts { id title } }'), undefined, DEFAULT_COST_LIMITS), undefined);
  });

  it('reads per-service limits from codestore.yaml, within the platform maximum', () => {
    assert.deepEqual(costLimitsOf({}).limits, DEFAULT_COST_LIMITS);
    const set = costLimitsOf({ limits: { depth: 4, fields: 50_000 } });
    assert.deepEqual(set.limits, { ...DEFAULT_COST_LIMITS, depth: 4, fields: 50_000 });
    assert.deepEqual(set.problems, []);
    const over = costLimitsOf({ limits: { depth: 1000, size: 3, fields: -1 } });
    assert.equal(over.limits.depth, MAX_COST_LIMITS.depth);
    assert.equal(over.limits.fields, DEFAULT_COST_LIMITS.fields);
    assert.equal(over.problems.length, 3);
  });
});
