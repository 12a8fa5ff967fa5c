// The platform's schema usage as the extension hands it to the language server: environments
// named for messages ("production of Shop"), nothing served left without a schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toServerUsage } from '../../client/src/usage';

describe('usage for the language server', () => {
  it('names instance environments by their project, keeps operations, drops a missing schema', () => {
    const ops = [{ name: 'Feed', hash: 'h', client: 'acme', calls: 3, coordinates: ['Post.title', 'Query.allPosts'] }];
    const out = toServerUsage(
      [
        {
          environment: 'production',
          projectId: 'shop-k3x9q2',
          servedVersion: '0.0.1',
          schema: 'type Query { a: Int }',
          days: 30,
          coordinates: [],
          operations: ops,
        },
        { environment: 'demo', projectId: null, servedVersion: null, schema: null, days: 30, coordinates: [], operations: [] },
        { environment: 'staging', projectId: 'gone-zzzzzz', servedVersion: null, schema: null, days: 7, coordinates: [], operations: [] },
      ],
      [{ id: 'shop-k3x9q2', name: 'Shop' }],
    );
    assert.deepEqual(out, [
      { label: 'production of Shop', days: 30, schema: 'type Query { a: Int }', operations: ops },
      { label: 'demo', days: 30, schema: undefined, operations: [] },
      { label: 'staging of gone-zzzzzz', days: 7, schema: undefined, operations: [] },
    ]);
  });
});
