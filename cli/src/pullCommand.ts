// `codestore service:pull [service] [dir] [-v version] [-f]`: downloads the source a version of a
// service was pushed with (default: the latest) and unpacks it into a folder (default: the service's
// name in the working directory), its codestore.yaml naming the service, so the folder pushes to it.
// A folder with files in it is refused unless --force.
import * as fs from 'fs';
import * as path from 'path';
import { SERVICE_MANIFEST } from '../../core/src/service-folder/paths';
import { ArchiveError } from '../../servicefs/src/archive';
import { unpackInto } from '../../servicefs/src/unpack';
import { CommandInput, platformClient, printJson, str } from './context';
import { CliError } from './errors';
import { findServiceFolder, manifestServiceId, serviceIdFor, serviceIdWriter } from './manifest';

/** Why `dir` cannot take the service without --force, or undefined when it can. */
function occupied(dir: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return `${dir} is a file`;
  const entries = fs.readdirSync(dir);
  return entries.length ? `${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'})` : undefined;
}

/** The first few paths, and how many more. */
function listed(paths: string[], shown = 5): string {
  const more = paths.length - shown;
  return paths.slice(0, shown).map(shellWord).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

/** A path as a shell takes it. */
function shellWord(p: string): string {
  return /^[\w./@%+=:,-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`;
}

export async function pull({ values, args }: CommandInput): Promise<number> {
  const serviceId = serviceIdFor('service:pull', args[0], '`codestore service:pull <service>`');
  const client = platformClient(values, true);
  const force = values.force === true;
  const given = args[1];
  // Refuse a folder with files before anything is downloaded; the default folder needs the name first.
  const refuse = (dir: string) => {
    const why = occupied(dir);
    if (why && (!force || why.endsWith('is a file'))) {
      throw new CliError(
        why.endsWith('is a file')
          ? `${why}: pull into a folder (\`codestore service:pull ${serviceId} <dir>\`).`
          : `${why}: pull into a new or empty folder (\`codestore service:pull ${serviceId} <dir>\`), or pass --force to write the service's files over what is there (other files stay).`,
      );
    }
  };
  if (given) refuse(path.resolve(given));

  // `v0.0.3` is 0.0.3.
  const version = str(values, 'version')
    ?.trim()
    .replace(/^v(?=\d)/, '');
  const source = await client.serviceSource(serviceId, version);
  const target = path.resolve(given ?? folderName(source.service.name, source.service.id));
  refuse(target);
  const enclosing = findServiceFolder(path.dirname(target));
  if (enclosing) {
    throw new CliError(
      `${target} is inside the service folder ${enclosing}: its next push would carry the pulled copy. Pull into a folder outside it (\`codestore service:pull ${serviceId} <dir>\`).`,
    );
  }
  const archive = await client.downloadSource(source);

  let unpacked;
  try {
    unpacked = await unpackInto(archive, target, {
      // The folder pushes to the service it came from, whatever its codestore.yaml said when pushed.
      prepare: (dir) => {
        const manifest = path.join(dir, SERVICE_MANIFEST);
        if (!fs.existsSync(manifest)) fs.writeFileSync(manifest, `serviceId: ${source.service.id}\n`);
        else if (manifestServiceId(dir) !== source.service.id) serviceIdWriter(dir)(source.service.id);
      },
    });
  } catch (e) {
    if (e instanceof ArchiveError)
      throw new CliError(`Cannot unpack ${source.service.id} ${source.version.version} into ${target}: ${e.message}`);
    throw e;
  }

  const hasPackageJson = fs.existsSync(path.join(target, 'package.json'));
  if (values.json) {
    printJson({
      service: source.service,
      version: source.version,
      dir: target,
      files: unpacked.files,
      replaced: unpacked.replaced,
      sha256: source.sha256,
    });
    return 0;
  }
  const rel = path.relative(process.cwd(), target) || '.';
  const out = [
    `Pulled ${source.service.name} (${source.service.id}) version ${source.version.version} into ${rel}: ${unpacked.files.length} file(s)${
      unpacked.replaced.length ? `, replacing ${listed(unpacked.replaced)}` : ''
    }.`,
    'Next:',
  ];
  if (rel !== '.') out.push(`  cd ${shellWord(rel)}`);
  if (hasPackageJson) out.push('  npm install           # the editor then type-checks the resolvers');
  out.push('  codestore dev         # serve it locally, reloading on save', '  codestore push        # a new version to private');
  process.stdout.write(out.join('\n') + '\n');
  return 0;
}

/** The default folder: the service's name (a name is one path segment: letters, digits, spaces, `.`, `-`, `_`). */
function folderName(name: string, id: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u.test(name) && !/^\.+$/.test(name) ? name : id;
}
