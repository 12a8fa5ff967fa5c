// `codestore platform status`: what a running platform runs with (version, database, sandbox
// mode, limits). The platform writes `<data>/status.json` when it has started and removes it when
// it stops; the command reads it and checks that the process is still alive.
import * as fs from 'fs';
import * as path from 'path';
import type { LauncherStatus } from './runtime/sandbox/launcher';
import { alive } from './dataDir';

const STATUS_FILE = 'status.json';

export interface PlatformStatus {
  version: string;
  pid: number;
  url: string;
  startedAt: string;
  database: string;
  deployments: LauncherStatus;
}

export function writeStatus(dataDir: string, status: PlatformStatus): void {
  fs.writeFileSync(path.join(dataDir, STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`, { mode: 0o600 });
}

export function removeStatus(dataDir: string, pid = process.pid): void {
  const file = path.join(dataDir, STATUS_FILE);
  try {
    if ((JSON.parse(fs.readFileSync(file, 'utf8')) as PlatformStatus).pid === pid) fs.unlinkSync(file);
  } catch {
    /* gone */
  }
}

/** Prints the status of the platform using `dataDir`; 1 when none runs there. */
export function printStatus(dataDir: string, out: NodeJS.WritableStream, json: boolean): number {
  let status: PlatformStatus;
  try {
    status = JSON.parse(fs.readFileSync(path.join(dataDir, STATUS_FILE), 'utf8')) as PlatformStatus;
  } catch {
    out.write(
      `No platform runs with the data directory ${dataDir} (\`codestore platform start\` starts one; --data picks another directory).\n`,
    );
    return 1;
  }
  if (!alive(status.pid)) {
    out.write(`The platform that used ${dataDir} (process ${status.pid}) is not running any more.\n`);
    return 1;
  }
  if (json) {
    out.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const d = status.deployments;
  const l = d.limits;
  const lines = [
    `code.store platform ${status.version} on ${status.url} (process ${status.pid}, since ${status.startedAt})`,
    `database:      ${status.database}`,
    `sandbox:       ${d.sandbox === 'bubblewrap' ? `bubblewrap${d.uidPerDeployment ? ', a uid per deployment' : ''}` : 'NONE (Node permission model and rlimits only: not a boundary against malicious code)'}`,
    `cgroups:       ${d.cgroups}`,
    `memory:        ${l.memoryMiB} MiB per deployment (a service may ask up to ${l.maxMemoryMiB} MiB)`,
    `request:       ${l.requestTimeoutMs / 1000} s timeout (a service may ask up to ${l.maxRequestTimeoutMs / 1000} s); liveness ${l.livenessTimeoutMs / 1000} s`,
    `tmp, pids:     ${l.tmpMiB} MiB, ${l.pids}`,
    `logs:          ${l.logLinesPerSecond} lines per second per environment`,
    `egress:        ${l.egressAllowed ? 'services may opt in (runtime.egress), public addresses only' : 'none'}`,
    ...d.missing.map((m) => `missing:       ${m}`),
  ];
  out.write(`${lines.join('\n')}\n`);
  return 0;
}
