// PROPERTY: generation after a sequence of edits, with everything code generation keeps between
// generations (model by schema node, entity files and tables by signature, the last snapshot and
// plan, resolver types), gives exactly what a generation from scratch gives: the same files, the
// same removals, the same migration both ways, the same warnings and the same platform diagnostics.
// The edits are random evolutions of random service schemas (types, fields, relations and enums
// added, removed, renamed and retyped), analysed incrementally as the code generation process
// does, some of them committed. Fixed seed, printed; override with CODESTORE_PROPERTY_SEED /
// CODESTORE_INCREMENTAL_RUNS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { clearCodegenCaches } from '../../core/src/codegen/caches';
import { generateService, type ServiceFiles, type ServiceGeneration } from '../../core/src/codegen/generate';
import { SchemaAnalysis } from '../../core/src/schema/analysis';
import { checkPlatformRules } from '../../core/src/schema/platformRules';
import { evolve, Random, randomSpec, renderSpec, type Spec } from './helpers/randomSchema';

const SEED = Number(process.env.CODESTORE_PROPERTY_SEED ?? 20261204);
const RUNS = Number(process.env.CODESTORE_INCREMENTAL_RUNS ?? 80);

/**
 * One small edit of one field, as typing makes them (evolve changes more at once): an attribute
 * that goes into the entity file and its table and nothing else.
 */
function tweak(r: Random, spec: Spec): { spec: Spec; change: string } {
  const next: Spec = JSON.parse(JSON.stringify(spec));
  const fields = next.types.flatMap((t) => t.fields.map((f) => ({ t, f })));
  if (!fields.length) return { spec: next, change: 'nothing to tweak' };
  const { t, f } = r.pick(fields);
  const where = `${t.name}.${f.name}`;
  const scalar = f.kind === 'scalar' && !f.list;
  switch (r.int(0, 8)) {
    case 0:
      f.unique = !f.unique;
      return { spec: next, change: `${where} unique ${f.unique}` };
    case 1:
      if (f.kind === 'relation' && f.list) break;
      f.index = !f.index;
      return { spec: next, change: `${where} index ${f.index}` };
    case 2:
      if (f.kind === 'relation' && (f.list || f.onDelete === 'SET_NULL')) break;
      f.nonNull = !f.nonNull;
      return { spec: next, change: `${where} nonNull ${f.nonNull}` };
    case 3:
      if (!scalar || f.type !== 'Int') break;
      f.default = f.default === undefined ? String(r.int(0, 9)) : undefined;
      return { spec: next, change: `${where} default ${f.default}` };
    case 4:
      if (!scalar || f.type !== 'String') break;
      f.length = f.length === undefined ? r.int(10, 200) : undefined;
      return { spec: next, change: `${where} length ${f.length}` };
    case 5:
      // Paired by pointing back, not by name: the other side's edits then change this side.
      if (f.inverse === undefined) break;
      for (const other of next.types.find((x) => x.name === f.type)?.fields ?? [])
        if (other.name === f.inverse && other.inverse === f.name) other.inverse = undefined;
      f.inverse = undefined;
      return { spec: next, change: `${where} and its other side without @relation(inverse:)` };
    case 6:
      // Renamed without @renamedFrom, and nothing that names it follows.
      f.name = `${f.name}X`;
      return { spec: next, change: `${where} renamed to ${f.name}` };
    case 7: {
      // A type removed while fields still point at it (an invalid schema: the model is tolerant).
      next.types = next.types.filter((x) => x !== t);
      return { spec: next, change: `type ${t.name} removed, references kept` };
    }
    default: {
      const e = next.enums.length ? r.pick(next.enums) : undefined;
      if (!e) break;
      next.enums = next.enums.filter((x) => x !== e);
      return { spec: next, change: `enum ${e.name} removed, references kept` };
    }
  }
  return { spec: next, change: `${where} left as it was` };
}

interface Step {
  text: string;
  service: ServiceFiles;
  commit?: number;
}

/** Everything a generation decides, as text to compare. */
function outcome(g: ServiceGeneration, analysis: SchemaAnalysis): string {
  return JSON.stringify({
    files: g.files,
    remove: g.remove,
    committed: g.committed ?? null,
    baseline: g.baseline,
    up: g.plan.up,
    down: g.plan.down,
    warnings: g.plan.warnings,
    next: g.next,
    rules: checkPlatformRules(analysis, undefined).diagnostics,
  });
}

/** A line that changes in `a` and `b`, for the failure message. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `at ${i}: incremental …${a.slice(Math.max(0, i - 80), i + 120)}…\nfrom scratch …${b.slice(Math.max(0, i - 80), i + 120)}…`;
}

/** Generates each text in turn, keeping everything; then each from scratch; fails on the first difference. */
function checkSequence(texts: { text: string; commit?: number }[], context: () => string): number {
  clearCodegenCaches();
  const analysis = new SchemaAnalysis({ prelude: true });
  let service: ServiceFiles = { migrations: [] };
  const steps: Step[] = [];
  const incremental: string[] = [];
  for (const { text, commit } of texts) {
    steps.push({ text, service, commit });
    analysis.update(text);
    const g = generateService(analysis.documentWithPrelude(), service, commit ? { commit: { timestamp: commit } } : {});
    incremental.push(outcome(g, analysis));
    if (commit) {
      const snapshot = g.files.find((f) => f.path.endsWith('snapshot.json'))?.content ?? service.snapshot;
      const migrations = g.committed ? [...service.migrations, g.committed.path.split('/').pop()!] : service.migrations;
      service = { snapshot, migrations };
    }
  }
  steps.forEach((step, i) => {
    clearCodegenCaches();
    const fresh = new SchemaAnalysis({ prelude: true });
    fresh.update(step.text);
    const g = generateService(fresh.documentWithPrelude(), step.service, step.commit ? { commit: { timestamp: step.commit } } : {});
    const expected = outcome(g, fresh);
    if (incremental[i] !== expected)
      assert.fail(
        `${context()}\nstep ${i + 1} of ${steps.length} differs from scratch\n--- step ${i + 1}\n${step.text}\n${firstDifference(incremental[i], expected)}`,
      );
  });
  return steps.length * 2;
}

test(`incremental generation equals generation from scratch: ${RUNS} random edit sequences, seed ${SEED}`, () => {
  console.log(`fast-check seed ${SEED}, ${RUNS} runs`);
  let generations = 0;
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 10 }), (seed, length) => {
      const r = new Random(seed);
      let spec = randomSpec(r);
      const changes: string[] = [];
      const texts: { text: string; commit?: number }[] = [];
      for (let i = 0; i < length; i++) {
        if (i > 0 && r.bool(0.5)) {
          const e = evolve(r, spec);
          spec = e.spec;
          changes.push(`step ${i + 1}: ${e.changes.join('; ')}`);
        } else if (i > 0) {
          const e = tweak(r, spec);
          spec = e.spec;
          changes.push(`step ${i + 1}: ${e.change}`);
        }
        // The first generation commits (as `codestore generate` does); later ones sometimes.
        texts.push({ text: renderSpec(spec), commit: i === 0 || r.bool(0.25) ? 1_700_000_000_000 + i : undefined });
      }
      generations += checkSequence(texts, () => `case seed ${seed}\n${changes.join('\n')}`);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  console.log(`${generations} generations compared`);
});

// Edits of one type that change what another, untouched type generates.
const A_B = 'type A {\n  id: ID!\n  b: B\n}\ntype B {\n  id: ID!\n  as: [A!]!\n}\ntype Query {\n  a: A\n  s: S\n}\n';
const EXAMPLES: Record<string, string[]> = {
  'the other side of an implicit pair is renamed': [A_B, A_B.replace('as: [A!]!', 'asX: [A!]!')],
  'the other side of a pair changes from a list to one': [A_B, A_B.replace('as: [A!]!', 'as: A'), A_B],
  'an implicit pair becomes ambiguous, then one-sided': [
    A_B,
    A_B.replace('as: [A!]!', 'as: [A!]!\n  more: [A!]!'),
    A_B.replace('as: [A!]!', 'more: A'),
  ],
  'a one-to-one changes its owning side when the other type is renamed': [
    'type M {\n  id: ID!\n  n: N\n}\ntype N {\n  id: ID!\n  m: M\n}\n',
    'type M {\n  id: ID!\n  n: N\n}\ntype N {\n  id: ID!\n  m: M\n}\ntype L {\n  id: ID!\n}\n',
  ],
  "a field's type changes nature (entity, enum, scalar, transient)": [
    'type A {\n  id: ID!\n  s: S\n}\ntype S {\n  id: ID!\n}\ntype Query {\n  s: S\n}\n',
    'type A {\n  id: ID!\n  s: S\n}\nenum S {\n  X\n  Y\n}\ntype Query {\n  s: S\n}\n',
    'type A {\n  id: ID!\n  s: S\n}\nenum S {\n  X\n  Z\n}\ntype Query {\n  s: S\n}\n',
    'type A {\n  id: ID!\n  s: S\n}\nscalar S\ntype Query {\n  s: S\n}\n',
    'type A {\n  id: ID!\n  s: S\n}\ntype S @transient {\n  x: Int\n}\ntype Query {\n  s: S\n}\n',
    'type A {\n  id: ID!\n  s: S\n}\ntype S {\n  id: ID!\n}\ntype Query {\n  s: S\n}\n',
  ],
  'the key of a referenced type is renamed': [
    'type A {\n  id: ID!\n  b: B\n}\ntype B {\n  id: ID!\n}\n',
    'type A {\n  id: ID!\n  b: B\n}\ntype B {\n  key: ID!\n}\n',
    'type A {\n  id: ID!\n  b: B\n}\ntype B {\n  name: String\n}\n',
  ],
  'a type named like a TypeORM export appears and goes': [
    'type A {\n  id: ID!\n  n: Int @index\n}\n',
    'type A {\n  id: ID!\n  n: Int @index\n}\ntype Index {\n  id: ID!\n}\n',
    'type A {\n  id: ID!\n  n: Int @index\n}\n',
  ],
  'an extension adds values to an untouched enum': [
    'type A {\n  id: ID!\n  e: E\n}\nenum E {\n  X\n}\n',
    'type A {\n  id: ID!\n  e: E\n}\nenum E {\n  X\n}\nextend enum E {\n  Y\n}\n',
    'type A {\n  id: ID!\n  e: E\n}\nenum E {\n  X\n}\nextend enum E {\n  Z\n}\n',
  ],
  'an extension adds fields to an untouched type': [
    'type A {\n  id: ID!\n}\n',
    'type A {\n  id: ID!\n}\nextend type A {\n  n: Int\n}\n',
    'type A {\n  id: ID!\n}\nextend type A {\n  n: String\n}\n',
  ],
};

for (const [name, texts] of Object.entries(EXAMPLES)) {
  test(`incremental equals scratch: ${name}`, () => {
    checkSequence(
      texts.map((text, i) => ({ text, commit: i === 0 ? 1_700_000_000_000 : undefined })),
      () => name,
    );
  });
}
