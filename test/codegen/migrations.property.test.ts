// PROPERTY: random valid service schemas, evolved by random steps (types and fields added,
// removed and renamed with @renamedFrom, types changed, relations and enums added, labels added,
// renamed and removed), each step's migration run by TypeORM on real PostgreSQL. For every case:
// TypeORM's schema builder wants no query after each step, the database is exactly the planned
// schema, rows survive every step that plans no warning (and the generator's non-destructive
// steps must plan none), the downs undo everything. Fixed seed, printed; override with
// CODESTORE_PROPERTY_SEED / CODESTORE_PROPERTY_RUNS (PGlite) / CODESTORE_PROPERTY_RUNS_PG (server).
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { databaseTargets, type TestDatabase } from './helpers/db';
import { prove, type Step } from './helpers/proof';
import { evolve, Random, randomSpec, renderSpec } from './helpers/randomSchema';

const SEED = Number(process.env.CODESTORE_PROPERTY_SEED ?? 20251124);
const RUNS: Record<string, number> = {
  pglite: Number(process.env.CODESTORE_PROPERTY_RUNS ?? 300),
  postgres: Number(process.env.CODESTORE_PROPERTY_RUNS_PG ?? 200),
};

for (const target of databaseTargets()) {
  describe(`random schemas and evolutions on ${target.label}`, () => {
    let db: TestDatabase;
    before(async () => {
      db = await target.open();
    });
    after(async () => {
      await db?.close();
    });

    test(`${RUNS[target.label]} cases, seed ${SEED}`, async () => {
      console.log(`fast-check seed ${SEED}, ${RUNS[target.label]} runs on ${target.label}`);
      const started = Date.now();
      let steps = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 3 }), async (seed, evolutions) => {
          const r = new Random(seed);
          let spec = randomSpec(r);
          const plan: Step[] = [{ sdl: renderSpec(spec) }];
          const changes: string[] = [];
          for (let i = 0; i < evolutions; i++) {
            const e = evolve(r, spec);
            spec = e.spec;
            changes.push(`step ${i + 2}: ${e.changes.join('; ')}${e.destructive ? ' (may warn)' : ''}`);
            plan.push({ sdl: renderSpec(spec), warnings: e.destructive ? 'any' : [] });
          }
          try {
            await prove(db, plan);
            steps += plan.length;
          } catch (error) {
            const detail = `case seed ${seed}\n${changes.join('\n')}\n${plan.map((s, i) => `--- step ${i + 1}\n${s.sdl}`).join('')}`;
            throw new Error(`${detail}\n${error instanceof Error ? error.message : String(error)}`);
          }
        }),
        { seed: SEED, numRuns: RUNS[target.label], endOnFailure: true },
      );
      console.log(`${RUNS[target.label]} cases, ${steps} migrations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  });
}
