// Types of workbench.js for the TypeScript end-to-end tests.
import type { ChildProcess } from 'child_process';
import type { Provisioned } from './provision';

export const root: string;
export const EXTENSION_ID: string;

export class Processes {
  constructor(options?: { exitOnSignal?: boolean });
  start(name: string, command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string; logFile?: string }): ChildProcess;
  stopAll(graceMs?: number): Promise<void>;
  killNow(): void;
}

export function ensureBuilt(): void;
export function ensureVsix(options?: { rebuild?: boolean }): string;
export function freePort(): Promise<number>;
export function portTaken(port: number): Promise<boolean>;
export function waitForHttp(url: string, options?: { timeoutMs?: number; child?: ChildProcess; what?: string }): Promise<void>;
export function graphql<T = any>(platformUrl: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
export function startPlatform(
  processes: Processes,
  options: { port: number; dataDir?: string; logFile?: string; args?: string[]; extensionDir?: string; node?: string },
): Promise<{ url: string; child: ChildProcess }>;
export function installExtension(prov: Provisioned, vsix: string, dirs: { userDataDir: string; extensionsDir: string }): string;
export function installedExtensionDir(extensionsDir: string): string;
export function workbenchSettings(platformUrl: string, extra?: Record<string, unknown>): Record<string, unknown>;
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): string;
export function startCodeServer(
  processes: Processes,
  prov: Provisioned,
  options: { port: number; userDataDir: string; extensionsDir: string; folder: string; logFile?: string },
): Promise<{ url: string; child: ChildProcess; folderUrl: string }>;
export function prepareServiceFolder(dest: string, options?: { serviceId?: string | null }): string;
export function setServiceId(folder: string, serviceId: string): void;
