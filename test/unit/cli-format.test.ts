// The CLI's wording of log lines and deployment outcomes, and the options of `codestore logs`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploymentOutcome, formatLogLine, oneLine, parseEnvironment, parseLineCount } from '../../cli/src/format';
import { CliError } from '../../cli/src/errors';

const usage = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message));

describe('CLI formatting', () => {
  it('prints a log line as `<ISO time> <stream> <message>`', () => {
    const line = {
      id: '7',
      at: '2024-05-01T12:00:00.000Z',
      deploymentId: 'dep_x',
      stream: 'request' as const,
      message: 'POST 200 3.1 ms',
      request: null,
    };
    assert.equal(formatLogLine(line), '2024-05-01T12:00:00.000Z request POST 200 3.1 ms');
    assert.equal(formatLogLine({ ...line, stream: 'platform', deploymentId: null, message: '' }), '2024-05-01T12:00:00.000Z platform ');
  });

  it('words a settled deployment: the endpoint when deployed, the reason and the logs command when it failed', () => {
    const logs = 'codestore logs -e private';
    assert.deepEqual(
      deploymentOutcome({ environment: 'private', status: 'DEPLOYED', error: null }, '0.0.2', 'http://h/s/abc/graphql', logs),
      { ok: true, message: 'Deployed 0.0.2 to private: http://h/s/abc/graphql' },
    );
    assert.deepEqual(deploymentOutcome({ environment: 'demo', status: 'DEPLOYED', error: null }, '0.0.2', undefined, logs), {
      ok: true,
      message: 'Deployed 0.0.2 to demo.',
    });
    assert.deepEqual(
      deploymentOutcome(
        { environment: 'private', status: 'DEPLOYMENT_FAILED', error: 'migrate: relation "Post" exists.\n  at x\n' },
        '0.0.3',
        undefined,
        logs,
      ),
      {
        ok: false,
        message: 'Deploying 0.0.3 to private failed: migrate: relation "Post" exists. at x. See the log: `codestore logs -e private`',
      },
    );
    assert.equal(
      deploymentOutcome({ environment: 'demo', status: 'DEPLOYMENT_FAILED', error: null }, '0.0.3', undefined, 'codestore logs s -e demo')
        .message,
      'Deploying 0.0.3 to demo failed: the platform gave no reason. See the log: `codestore logs s -e demo`',
    );
    assert.deepEqual(
      deploymentOutcome({ environment: 'private', status: 'DEPLOYMENT_IN_PROGRESS', error: null }, '0.0.3', undefined, logs),
      { ok: true, message: 'The deployment of 0.0.3 to private is DEPLOYMENT_IN_PROGRESS: follow it with `codestore logs -e private -f`' },
    );
    assert.equal(oneLine('  a\n\tb  c \r\n'), 'a b c');
  });

  it('reads -e/--env and -n/--lines', () => {
    assert.equal(parseEnvironment(undefined), 'private');
    assert.equal(parseEnvironment('demo'), 'demo');
    assert.equal(parseEnvironment('PRIVATE'), 'private');
    usage(() => parseEnvironment('staging'), /^-e\/--env is private or demo, not "staging"\.$/);
    usage(() => parseEnvironment(''), /not ""/);
    assert.equal(parseLineCount(undefined), 100);
    assert.equal(parseLineCount('0'), 0);
    assert.equal(parseLineCount('1000'), 1000);
    for (const bad of ['1001', '-1', '2.5', 'ten', '', '1e3'])
      usage(() => parseLineCount(bad), /^-n\/--lines is a whole number from 0 to 1000/);
  });
});
