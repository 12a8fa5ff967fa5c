// An environment's log in a LogOutputChannel of its own, followed by polling `logs` with the cursor
// every second until it is stopped ("Stop Following Logs", or the extension ends).
import * as vscode from 'vscode';
import type { PlatformClient } from '../../apiclient/src/client';
import { PlatformError } from '../../apiclient/src/errors';
import type { EnvironmentName, LogLine } from '../../apiclient/src/types';

/** Context key: at least one log is being followed. */
const FOLLOWING_KEY = 'codestore.followingLogs';
const POLL_MS = 1000;
/** While the platform cannot be reached, ask less often. */
const UNREACHABLE_POLL_MS = 5000;
const FIRST_PAGE = 200;
const PAGE = 1000;

/** Whose log: a service's environment (private, demo), or an instance's in a project. */
export interface LogTarget {
  serviceId: string;
  serviceName?: string;
  environment: EnvironmentName;
  projectId?: string;
  projectName?: string;
}

interface Follower {
  target: LogTarget;
  channel: vscode.LogOutputChannel;
  stop: AbortController;
}

export function logTitle(target: LogTarget): string {
  const service = target.serviceName ?? target.serviceId;
  return target.projectId
    ? `${target.projectName ?? target.projectId}/${service} ${target.environment}`
    : `${service} ${target.environment}`;
}

export class LogFollowers implements vscode.Disposable {
  private readonly followers = new Map<string, Follower>();

  constructor(private readonly client: () => Promise<PlatformClient>) {}

  /** Shows the environment's log and follows it (one channel per environment, reused). */
  open(target: LogTarget): void {
    const key = `${target.projectId ?? ''}/${target.serviceId}/${target.environment}`;
    let follower = this.followers.get(key);
    if (follower && !follower.stop.signal.aborted) {
      follower.channel.show(true);
      return;
    }
    const channel = follower?.channel ?? vscode.window.createOutputChannel(`code.store Logs: ${logTitle(target)}`, { log: true });
    follower = { target, channel, stop: new AbortController() };
    this.followers.set(key, follower);
    channel.show(true);
    this.updateContext();
    void this.follow(follower);
  }

  /** The logs being followed, for "Stop Following Logs". */
  following(): LogTarget[] {
    return [...this.followers.values()].filter((f) => !f.stop.signal.aborted).map((f) => f.target);
  }

  stop(target: LogTarget): void {
    const f = this.followers.get(`${target.projectId ?? ''}/${target.serviceId}/${target.environment}`);
    if (!f || f.stop.signal.aborted) return;
    f.stop.abort();
    f.channel.info('--- stopped following (run "Open Logs" to follow again) ---');
    this.updateContext();
  }

  stopAll(): void {
    for (const f of this.followers.values()) f.stop.abort();
    this.updateContext();
  }

  dispose(): void {
    this.stopAll();
    for (const f of this.followers.values()) f.channel.dispose();
    this.followers.clear();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', FOLLOWING_KEY, this.following().length > 0);
  }

  private async follow(f: Follower): Promise<void> {
    const { target, channel, stop } = f;
    let cursor: string | null | undefined;
    let first = true;
    f.channel.info(`--- following the log of ${logTitle(target)} ---`);
    while (!stop.signal.aborted) {
      let wait = POLL_MS;
      try {
        const client = await this.client();
        const page = await client.logs(target.serviceId, target.environment, {
          after: first ? undefined : cursor,
          limit: first ? FIRST_PAGE : PAGE,
          projectId: target.projectId,
          signal: stop.signal,
        });
        for (const line of page.lines) write(channel, line, first);
        cursor = page.cursor ?? cursor;
        first = false;
        // A full page may have more behind it: ask again at once.
        if (page.lines.length >= PAGE) wait = 0;
      } catch (e) {
        if (stop.signal.aborted) break;
        if (e instanceof PlatformError && (e.code === 'UNREACHABLE' || e.code === 'TIMEOUT')) {
          wait = UNREACHABLE_POLL_MS;
        } else {
          // Not logged in, the service is gone, ...: following cannot go on by itself.
          channel.error(`Cannot read the log: ${(e as Error).message}`);
          this.stop(target);
          break;
        }
      }
      if (wait) await sleep(wait, stop.signal);
    }
  }
}

/** A platform line at its level; the lines from before following began carry their own time. */
function write(channel: vscode.LogOutputChannel, line: LogLine, backlog: boolean): void {
  const text = `${backlog ? `(${line.at}) ` : ''}[${line.stream}] ${line.message}`;
  if (line.stream === 'stderr') channel.warn(text);
  else if (line.stream === 'platform' && /\b(failed|crashed)\b/i.test(line.message)) channel.error(text);
  else channel.info(text);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
