// CORS origin patterns and matching, defaults by environment, and the request log line written
// and read back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOriginPattern, environmentOrigins, normalizeOrigin, originAllowed } from '../../platform/src/gateway/cors';
import { corsOriginsOf } from '../../platform/src/gateway/serviceSettings';
import { formatRequestLine, parseRequestLine, RequestRecord } from '../../platform/src/gateway/requestLog';

describe('CORS origins', () => {
  it('matches exact origins, any port, and any subdomain, never a path or another scheme', () => {
    const patterns = ['https://app.example.com', 'http://localhost:*', 'https://*.preview.example.com', 'http://127.0.0.1:8080'];
    for (const o of [
      'https://app.example.com',
      'http://localhost:5173',
      'http://localhost',
      'https://a.preview.example.com',
      'https://b.c.preview.example.com',
      'http://127.0.0.1:8080',
      'HTTPS://APP.example.com',
    ]) {
      assert.ok(originAllowed(o, patterns), o);
    }
    for (const o of [
      'http://app.example.com',
      'https://app.example.com:8443',
      'https://preview.example.com',
      'https://evilpreview.example.com',
      'http://127.0.0.1:8081',
      'null',
      'https://app.example.com/x',
      'http://localhost.evil.com:80',
    ]) {
      assert.ok(!originAllowed(o, patterns), o);
    }
  });

  it('accepts local origins outside production only', () => {
    for (const env of ['private', 'demo', 'development', 'staging'])
      assert.ok(originAllowed('http://127.0.0.1:3000', environmentOrigins(env, [])), env);
    assert.ok(!originAllowed('http://127.0.0.1:3000', environmentOrigins('production', [])));
    assert.ok(originAllowed('https://shop.example.com', environmentOrigins('production', ['https://shop.example.com'])));
  });

  it('checks patterns and reads them from codestore.yaml', () => {
    assert.equal(checkOriginPattern('https://app.example.com'), undefined);
    assert.equal(checkOriginPattern('http://[::1]:*'), undefined);
    assert.match(checkOriginPattern('https://app.example.com/')!, /not an origin/);
    assert.match(checkOriginPattern('app.example.com')!, /scheme:\/\/host/);
    assert.match(checkOriginPattern('*')!, /not an origin/);
    assert.equal(normalizeOrigin('HTTPS://App.Example.com'), 'https://app.example.com');
    assert.deepEqual(corsOriginsOf({ cors: { origins: ['https://A.example.com', 'nope'] } }), {
      origins: ['https://a.example.com'],
      problems: [
        'cors.origins in codestore.yaml: "nope" is not an origin: write scheme://host[:port], like https://app.example.com or http://localhost:*, without a path.',
      ],
    });
    assert.equal(corsOriginsOf({ cors: ['x'] }).problems.length, 1);
  });
});

describe('request log lines', () => {
  const base: RequestRecord = {
    operationType: 'query',
    operationName: 'Feed',
    rootFields: ['allPosts'],
    status: '200',
    ms: 3.14,
    clientKey: 'acme',
    refused: null,
  };

  it('reads as the issue shows it, and back into the same fields', () => {
    assert.equal(formatRequestLine(base), 'query Feed (allPosts) 200 3.1 ms acme');
    const cases: RequestRecord[] = [
      { ...base, ms: 3.1 },
      { ...base, operationName: null, clientKey: null, ms: 0.5 },
      { ...base, rootFields: ['a', 'b', '__typename'], clientKey: 'Acme "Corp" shop', ms: 12 },
      { ...base, status: '400', refused: 'QUERY_TOO_COMPLEX depth 16 > 15', clientKey: null, ms: 1 },
      { operationType: 'POST', operationName: null, rootFields: [], status: 'aborted', ms: 7.2, clientKey: null, refused: null },
    ];
    for (const r of cases) assert.deepEqual(parseRequestLine(formatRequestLine(r)), r, formatRequestLine(r));
    assert.deepEqual(parseRequestLine('POST 200 3.1 ms'), {
      operationType: 'POST',
      operationName: null,
      rootFields: [],
      status: '200',
      ms: 3.1,
      clientKey: null,
      refused: null,
    });
    assert.equal(parseRequestLine('deployed'), undefined);
  });

  it('shows ten root fields and counts the rest', () => {
    const line = formatRequestLine({ ...base, rootFields: Array.from({ length: 13 }, (_, i) => `f${i}`) });
    assert.match(line, /\(f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, \+3\)/);
  });
});
