// What push shows on a terminal while it works: a line per step (generating, packing, uploading,
// checking and building, deploying), each finished with a mark, and the migrations the deployment
// runs as they run, read from the private environment's log. Piped, or with --json, it shows
// nothing: the command's plain lines are all there is.
import type { LogLine, PlatformClient, PushedVersion } from '../../apiclient/src';

/** How often the private environment's log is read while a push is in flight. */
const POLL_MS = 400;

export class PushSteps {
  private current: string | undefined;

  constructor(private readonly tty: boolean) {}

  start(label: string): void {
    if (!this.tty) return;
    if (this.current) this.done();
    this.current = label;
    process.stderr.write(`  ${label}…`);
  }

  /** Finishes the current step with a check mark (and a detail). */
  done(detail?: string): void {
    if (!this.tty || !this.current) return;
    process.stderr.write(`\r\x1b[K✓ ${this.current}${detail ? ` (${detail})` : ''}\n`);
    this.current = undefined;
  }

  fail(): void {
    if (!this.tty || !this.current) return;
    process.stderr.write(`\r\x1b[K✗ ${this.current}\n`);
    this.current = undefined;
  }

  /** Ends the current line so that a question can be asked; the step goes on after it. */
  pause(): void {
    if (this.tty && this.current) process.stderr.write('\n');
  }

  /** A line under the current step, which stays on screen (`  ran migration X`). */
  private note(text: string): void {
    if (!this.tty) return;
    process.stderr.write(`\r\x1b[K    ${text}\n`);
    if (this.current) process.stderr.write(`  ${this.current}…`);
  }

  /** Shows the upload, the check and build, and the deployment of `push` as the platform reports them. */
  async follow(
    client: PlatformClient,
    serviceId: string,
    push: (onUploaded: () => void) => Promise<PushedVersion>,
  ): Promise<PushedVersion> {
    if (!this.tty) return push(() => undefined);
    let cursor: string | null | undefined;
    try {
      cursor = (await client.logs(serviceId, 'private', { limit: 1 })).cursor;
    } catch {
      cursor = undefined; // The steps are a courtesy: without the log, the push still goes.
    }
    const read = async () => {
      if (cursor === undefined) return;
      try {
        const page = await client.logs(serviceId, 'private', { after: cursor, limit: 100 });
        cursor = page.cursor ?? cursor;
        for (const line of page.lines) this.onLogLine(line);
      } catch {
        /* the next read tries again */
      }
    };
    this.start('Uploading');
    let timer: NodeJS.Timeout | undefined;
    let reading: Promise<void> = Promise.resolve();
    const tick = () => {
      reading = read().then(() => {
        timer = setTimeout(tick, POLL_MS);
      });
    };
    tick();
    try {
      const pushed = await push(() => {
        if (this.current === 'Uploading') {
          this.done();
          this.start('Checking and building');
        }
      });
      clearTimeout(timer);
      await reading;
      clearTimeout(timer);
      await read();
      if (pushed.deployment?.status === 'DEPLOYMENT_FAILED') this.fail();
      else this.done();
      return pushed;
    } catch (e) {
      clearTimeout(timer);
      this.fail();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private onLogLine(line: LogLine): void {
    if (line.stream !== 'platform') return;
    const deploying = /^deploying version (\S+)/.exec(line.message);
    if (deploying) {
      if (this.current === 'Uploading' || this.current === 'Checking and building') this.done();
      this.start(`Deploying ${deploying[1]} to private`);
      return;
    }
    const migration = /^migration (\S+) applied/.exec(line.message);
    if (migration) this.note(`ran migration ${migration[1]}`);
  }
}
