// The service folder a command runs in, and its codestore.yaml's serviceId: read through the core's
// parser, written with the yaml package's document API so comments and other keys stay as they are.
import * as fs from 'fs';
import * as path from 'path';
import { isMap, parseDocument } from 'yaml';
import { parseManifest, SERVICE_MANIFEST } from '../../core/src/service-folder/serviceFolder';
import { CliError, usageError } from './errors';

/** The nearest folder at or above `from` with a codestore.yaml. */
export function findServiceFolder(from: string = process.cwd()): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, SERVICE_MANIFEST))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The service folder a command acts on: the path given (which must hold a codestore.yaml), else
 * the nearest one at or above the working directory.
 */
export function serviceFolderArg(command: string, given: string | undefined): string {
  if (given) {
    const folder = path.resolve(given);
    if (!fs.existsSync(path.join(folder, SERVICE_MANIFEST)))
      throw new CliError(`${folder} is not a service folder (no ${SERVICE_MANIFEST}).`);
    return folder;
  }
  const folder = findServiceFolder();
  if (!folder)
    throw new CliError(
      `Not in a service folder (no ${SERVICE_MANIFEST} here or above): run \`codestore ${command}\` in one, or pass its path.`,
    );
  return folder;
}

/** The serviceId in `dir`'s codestore.yaml, if it names one. */
export function manifestServiceId(dir: string): string | undefined {
  const { manifest } = parseManifest(fs.readFileSync(path.join(dir, SERVICE_MANIFEST), 'utf8'));
  return typeof manifest.serviceId === 'string' && manifest.serviceId ? manifest.serviceId : undefined;
}

/**
 * The service a command is about: its argument (or option), else the serviceId of the service
 * folder it runs in. `how` is how the command names a service (`codestore logs <serviceId>`).
 */
export function serviceIdFor(command: string, given: string | undefined, how = `\`codestore ${command} <serviceId>\``): string {
  if (given) return given;
  const folder = findServiceFolder();
  const id = folder && manifestServiceId(folder);
  if (id) return id;
  throw usageError(`Which service? Pass its id (${how}), or run this in a service folder whose codestore.yaml has a serviceId.`);
}

/** True when the command runs in the service folder of `serviceId`, so it need not be named. */
export function inServiceFolderOf(serviceId: string): boolean {
  const folder = findServiceFolder();
  try {
    return !!folder && manifestServiceId(folder) === serviceId;
  } catch {
    return false;
  }
}

/**
 * Prepares writing `serviceId` into `dir`'s codestore.yaml: throws before anything changes when
 * the file cannot take it, so a command can check first and write after its remote work.
 */
export function serviceIdWriter(dir: string): (serviceId: string) => string {
  const file = path.join(dir, SERVICE_MANIFEST);
  const text = fs.readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  if (doc.errors.length) throw new CliError(`${file} is not valid YAML (${doc.errors[0].message.split('\n')[0]}). Fix it first.`);
  if (doc.contents !== null && !isMap(doc.contents))
    throw new CliError(`${file} must be a mapping of keys (like \`serviceId: my-service\`). Fix it first.`);
  return (serviceId) => {
    doc.set('serviceId', serviceId);
    let out = doc.toString();
    if (text.includes('\r\n')) out = out.replace(/\r?\n/g, '\r\n');
    fs.writeFileSync(file, out);
    return file;
  };
}
