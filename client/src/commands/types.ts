// The shape of the extension's command table: each command id → how to run it with the Ctx.
import type { Ctx } from '../ctx';

export interface CommandSpec {
  run: (ctx: Ctx) => (...args: unknown[]) => unknown;
  /** Read the platform again when the command ends (it changed something there). */
  refresh?: boolean;
}

export type CommandTable = Record<string, CommandSpec>;
