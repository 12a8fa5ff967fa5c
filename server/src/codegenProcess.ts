// The language server's side of the code generation process (codegenWorker.ts): started on first
// use, restarted if it dies, each request answered or failed, never left hanging.
import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import type { WorkerRequest, WorkerResponse } from './codegenWorker';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class CodegenProcess {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly script = path.join(__dirname, 'codegen-worker.js'),
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  request(request: WithoutId<WorkerRequest>): Promise<WorkerResponse> {
    const child = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.send({ ...request, id } as WorkerRequest, (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  dispose(): void {
    this.child?.kill();
    this.child = undefined;
  }

  private start(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    const child = fork(this.script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderr?.on('data', (d) => this.log(String(d).trimEnd()));
    child.on('message', (response: WorkerResponse) => {
      const p = this.pending.get(response.id);
      if (!p) return;
      this.pending.delete(response.id);
      p.resolve(response);
    });
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      for (const [id, p] of this.pending) {
        this.pending.delete(id);
        p.reject(new Error(`the code generation process stopped (${signal ?? `exit code ${code}`}); the next edit starts it again`));
      }
    });
    this.child = child;
    return child;
  }
}
