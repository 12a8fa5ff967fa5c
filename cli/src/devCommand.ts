// `codestore dev [dir]` (alias `service:dev`): the service served on this machine by the platform's
// build and runtime, reloaded on save. The dev server is the platform's bundle dist/dev.js, run in
// this process (as `codestore platform start` runs dist/platform.js); this side finds the folder,
// reads the options and gives it `codestore generate` (generateDatabaseLayer) with the question
// push asks before a migration that drops data.
import * as fs from 'fs';
import * as nodeModule from 'module';
import * as path from 'path';
import { CommandInput, str } from './context';
import { CliError, usageError } from './errors';
import { generateDatabaseLayer } from './folderCommands';
import { serviceFolderArg } from './manifest';
import { canPrompt, confirm } from './prompt';

/** What dist/dev.js exports (platform/src/dev/main.ts; the CLI does not import the platform's sources). */
interface DevBundle {
  runDevCommand(options: {
    dir: string;
    port?: number;
    host?: string;
    inspect?: string;
    regenerate: () => Promise<string[] | undefined>;
  }): Promise<number>;
}

function devBundle(): DevBundle {
  // Bundled, this file is dist/cli.js and dev.js is beside it; from the sources, in dist/.
  const candidates = [path.join(__dirname, 'dev.js'), path.resolve(__dirname, '..', '..', 'dist', 'dev.js')];
  const bundle = candidates.find((f) => fs.existsSync(f));
  if (!bundle) throw new CliError('`codestore dev` is not built yet. Run `npm run build` in the codestore folder.');
  return nodeModule.createRequire(bundle)(bundle) as DevBundle;
}

export async function dev({ values, args }: CommandInput): Promise<number> {
  const folder = serviceFolderArg('dev', args[0]);
  const portText = str(values, 'port');
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw usageError(`--port takes a port number (0: any free port), not "${portText}".`);
  }
  const inspectValue = values.inspect;
  const inspect = inspectValue === true ? '127.0.0.1:9229' : str(values, 'inspect');
  const dir = folder;
  const regenerate = async (): Promise<string[] | undefined> => {
    const result = await generateDatabaseLayer(dir, async (destructive) => {
      if (values.yes) return true;
      const list = destructive.map((s) => `  ${s}`).join('\n');
      if (!canPrompt()) {
        process.stderr.write(
          `The schema's migration drops data when it runs:\n${list}\nRun \`codestore generate\` to commit it, or start \`codestore dev --yes\`; or keep the data (rename with @renamedFrom instead of removing).\n`,
        );
        return false;
      }
      process.stderr.write(`The schema's migration drops data when it runs:\n${list}\n`);
      return confirm('Commit it and apply it to the development database?');
    });
    if (!result) return undefined;
    const lines: string[] = [];
    for (const w of result.warnings) lines.push(`warning ${w.message} [${w.code}]`);
    if (result.migration) lines.push(`Committed migration ${result.migration}.`);
    const files = [...result.written.filter((f) => f !== result.migration), ...result.deleted.map((f) => `${f} (deleted)`)];
    if (files.length) lines.push(`Regenerated ${files.join(', ')}.`);
    return lines;
  };
  try {
    return await devBundle().runDevCommand({ dir, port, host: str(values, 'host'), inspect, regenerate });
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message);
  }
}
