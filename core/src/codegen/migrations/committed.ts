// Which files of src/data/migrations/ are committed migrations: any file TypeORM would run as one,
// whatever its name. Ours are `<timestamp>-<Name>.ts` with class `<Name><timestamp>`; the original
// code.store left `<timestamp>.ts` with class `generatedAt<timestamp>`, and TypeORM runs both. So a
// migration is known by its content (an exported class with `up`, named after a 13-digit
// timestamp, as TypeORM requires), and they run in the order TypeORM runs them: by that timestamp.

export interface MigrationClass {
  /** The exported class (what the runtime loads). */
  className: string;
  /** The migration's name as TypeORM records it: its `name` property, else the class name. */
  name: string;
  /** The last 13 digits of the name: TypeORM orders migrations by it. */
  timestamp: number;
}

export interface CommittedMigrationFile extends MigrationClass {
  /** The file name in src/data/migrations/. */
  file: string;
}

/** A script TypeORM's migration glob (`migrations/*.{ts,js}`) picks up. */
export function isMigrationScript(file: string): boolean {
  return /\.(ts|js|mjs|cjs)$/.test(file) && !/\.d\.ts$/.test(file);
}

/**
 * The migration class a migration file exports, as TypeORM sees it: an exported class with an
 * `up` method whose name (its `name` property, else the class name) ends in a 13-digit timestamp;
 * undefined when the file exports none.
 */
export function migrationClassOf(source: string): MigrationClass | undefined {
  const cls = /^export\s+(?:default\s+)?class\s+([A-Za-z_$][\w$]*)/m.exec(source);
  if (!cls || !/\bup\s*\(/.test(source.slice(cls.index))) return undefined;
  const named = /^\s*(?:public\s+)?name\s*=\s*(["'`])([^"'`]+)\1/m.exec(source.slice(cls.index));
  const name = named ? named[2] : cls[1];
  const digits = /(\d{13})$/.exec(name);
  if (!digits) return undefined;
  return { className: cls[1], name, timestamp: Number(digits[1]) };
}

/**
 * The committed migrations among `files` (names in src/data/migrations/), in the order TypeORM
 * runs them; `read` gives a file's source (undefined when it cannot be read).
 */
export function committedMigrations(files: readonly string[], read: (file: string) => string | undefined): CommittedMigrationFile[] {
  const out: CommittedMigrationFile[] = [];
  for (const file of files) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const source = read(file);
    const cls = source === undefined ? undefined : migrationClassOf(source);
    if (cls) out.push({ file, ...cls });
  }
  return out.sort((a, b) => a.timestamp - b.timestamp || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** Names that look like committed migrations, for when their sources are not at hand. */
export function looksLikeMigrationFile(file: string): boolean {
  return /^\d{13}(-[A-Za-z_][A-Za-z0-9_]*)?\.ts$/.test(file);
}
