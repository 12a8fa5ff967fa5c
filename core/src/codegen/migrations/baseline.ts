// The snapshot of a service that has migrations but no snapshot: a service made for the original
// code.store (or by hand with TypeORM's migration:generate). Its migrations' SQL is replayed here,
// without a database, into the physical schema they leave; the next migration is then planned
// from it, so the database those migrations built is migrated, not rebuilt.
import type { DbColumn, DbForeignKey, DbSchema, DbTable } from '../dbSchema';

/** The SQL strings of a TypeORM migration file's `up` method, in order. */
export function migrationStatements(source: string): string[] {
  const up = /\basync\s+up\s*\([^)]*\)[^{]*\{/.exec(source);
  if (!up) return [];
  // The body of `up`: up to the brace that closes it.
  let depth = 1;
  let i = up.index + up[0].length;
  const start = i;
  for (; i < source.length && depth > 0; i++) {
    const ch = source[i];
    if (ch === '`' || ch === '"' || ch === "'") {
      i = skipString(source, i);
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
  }
  const body = source.slice(start, i - 1);
  const out: string[] = [];
  const call = /\.query\(\s*/g;
  for (let m = call.exec(body); m; m = call.exec(body)) {
    const at = m.index + m[0].length;
    const quote = body[at];
    if (quote !== '`' && quote !== '"' && quote !== "'") continue;
    const end = skipString(body, at);
    out.push(unescape(body.slice(at + 1, end), quote));
    call.lastIndex = end;
  }
  return out;
}

function skipString(s: string, at: number): number {
  const quote = s[at];
  for (let i = at + 1; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if (s[i] === quote) return i;
  }
  return s.length;
}

function unescape(s: string, quote: string): string {
  return s.replace(/\\(.)/g, (_, c: string) =>
    c === 'n' ? '\n' : c === 't' ? '\t' : c === quote || c === '\\' || c === '$' ? c : `\\${c}`,
  );
}

// ---------------------------------------------------------------------------------------------
// A small SQL tokenizer: "identifiers", 'strings', words, numbers and punctuation.

type Token = { kind: 'ident' | 'string' | 'word' | 'punct'; text: string; raw: string };

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let text = '';
      for (; j < sql.length; j++) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) {
            text += ch;
            j++;
            continue;
          }
          break;
        }
        text += sql[j];
      }
      out.push({ kind: ch === '"' ? 'ident' : 'string', text, raw: sql.slice(i, j + 1) });
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_0-9]/.test(ch)) {
      let j = i;
      while (j < sql.length && /[A-Za-z_0-9$]/.test(sql[j])) j++;
      out.push({ kind: 'word', text: sql.slice(i, j), raw: sql.slice(i, j) });
      i = j;
      continue;
    }
    if (ch === ':' && sql[i + 1] === ':') {
      out.push({ kind: 'punct', text: '::', raw: '::' });
      i += 2;
      continue;
    }
    out.push({ kind: 'punct', text: ch, raw: ch });
    i++;
  }
  return out;
}

class Cursor {
  i = 0;
  constructor(readonly tokens: Token[]) {}
  peek(n = 0): Token | undefined {
    return this.tokens[this.i + n];
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
  next(): Token {
    return this.tokens[this.i++];
  }
  /** Consumes the words (case-insensitive) if they come next. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) {
      const t = this.peek(k);
      if (!t || t.kind !== 'word' || t.text.toUpperCase() !== words[k]) return false;
    }
    this.i += words.length;
    return true;
  }
  punct(p: string): boolean {
    const t = this.peek();
    if (t?.kind === 'punct' && t.text === p) {
      this.i++;
      return true;
    }
    return false;
  }
  /** A possibly schema-qualified name: `"public"."Post"` → `Post`. */
  name(): string {
    let t = this.next();
    while (this.peek()?.kind === 'punct' && this.peek()!.text === '.') {
      this.i++;
      t = this.next();
    }
    return t.text;
  }
  names(): string[] {
    const out: string[] = [];
    if (!this.punct('(')) return out;
    while (!this.done() && !this.punct(')')) {
      if (this.punct(',')) continue;
      out.push(this.next().text);
    }
    return out;
  }
  /** Tokens up to the next top-level `,` or `)` (not consumed), as source text. */
  rest(stop: (t: Token) => boolean = () => false): string {
    const parts: string[] = [];
    let depth = 0;
    while (!this.done()) {
      const t = this.peek()!;
      if (depth === 0 && t.kind === 'punct' && (t.text === ',' || t.text === ')')) break;
      if (depth === 0 && stop(t)) break;
      if (t.kind === 'punct' && t.text === '(') depth++;
      if (t.kind === 'punct' && t.text === ')') depth--;
      parts.push(t.raw);
      this.i++;
    }
    return joinRaw(parts);
  }
}

function joinRaw(parts: string[]): string {
  let out = '';
  for (const p of parts) {
    if (out && out !== '-' && !/[(.:]$/.test(out) && !/^[),.:(]/.test(p)) out += ' ';
    else if (p === '(' && /[A-Za-z0-9_"]$/.test(out) && !/\b(AND|OR|NOT|IN)$/i.test(out)) out += '';
    out += p;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const TYPE_ALIASES: Record<string, string> = {
  varchar: 'character varying',
  int: 'integer',
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  float8: 'double precision',
  float: 'double precision',
  float4: 'real',
  bool: 'boolean',
  decimal: 'numeric',
  timestamptz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  serial: 'integer',
  bigserial: 'bigint',
  smallserial: 'smallint',
};

const COLUMN_KEYWORDS = new Set([
  'NOT',
  'NULL',
  'DEFAULT',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CONSTRAINT',
  'COLLATE',
  'CHECK',
  'GENERATED',
  'USING',
]);

/** `"id" BIGSERIAL NOT NULL`, `"tags" character varying array`, `"s" "public"."Post_s_enum" DEFAULT 'a'`. */
function parseColumn(c: Cursor, enums: Set<string>): DbColumn {
  const name = c.next().text;
  const words: string[] = [];
  let enumName: string | undefined;
  let length: number | undefined;
  let array = false;
  while (!c.done()) {
    const t = c.peek()!;
    if (t.kind === 'punct' && (t.text === ',' || t.text === ')')) break;
    if (t.kind === 'word' && COLUMN_KEYWORDS.has(t.text.toUpperCase())) break;
    if (t.kind === 'ident') {
      enumName = c.name();
      continue;
    }
    if (t.kind === 'punct' && t.text === '(') {
      const args = c.names();
      if (args.length === 1 && /^\d+$/.test(args[0])) length = Number(args[0]);
      continue;
    }
    if (t.kind === 'punct' && t.text === '[') {
      c.next();
      c.punct(']');
      array = true;
      continue;
    }
    if (t.kind === 'word' && t.text.toUpperCase() === 'ARRAY') {
      c.next();
      array = true;
      continue;
    }
    words.push(c.next().text.toLowerCase());
  }
  let type = words.join(' ');
  const generated = type === 'bigserial' || type === 'serial' || type === 'smallserial';
  type = TYPE_ALIASES[type] ?? type;
  if (type === 'timestamp with time zone' || type === 'timestamp without time zone' || type === 'time with time zone') {
    /* as is */
  }
  const col: DbColumn = { name, type, array, nullable: true };
  if (enumName !== undefined) {
    col.type = enumName;
    col.enumName = enumName;
    enums.add(enumName);
  }
  if (length !== undefined && type === 'character varying') col.length = length;
  if (generated) {
    col.generated = 'increment';
  }
  while (!c.done()) {
    const t = c.peek()!;
    if (t.kind === 'punct' && (t.text === ',' || t.text === ')')) break;
    if (c.accept('NOT', 'NULL')) {
      col.nullable = false;
      continue;
    }
    if (c.accept('NULL')) continue;
    if (c.accept('DEFAULT')) {
      const d = c.rest(
        (x) =>
          x.kind === 'word' &&
          ['NOT', 'NULL', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CONSTRAINT', 'COLLATE', 'CHECK'].includes(x.text.toUpperCase()),
      );
      const seq = /^nextval\(/i.test(d);
      if (seq) col.generated = 'increment';
      else col.default = d;
      continue;
    }
    c.next();
  }
  return col;
}

function table(s: DbSchema, name: string): DbTable | undefined {
  return s.tables.find((t) => t.name === name);
}

function action(c: Cursor): DbForeignKey['onDelete'] {
  if (c.accept('NO', 'ACTION')) return 'NO ACTION';
  if (c.accept('CASCADE')) return 'CASCADE';
  if (c.accept('SET', 'NULL')) return 'SET NULL';
  if (c.accept('RESTRICT')) return 'RESTRICT';
  c.accept('SET', 'DEFAULT');
  return 'NO ACTION';
}

/** `CONSTRAINT "x" PRIMARY KEY (...)` etc. inside CREATE TABLE or after ALTER TABLE ... ADD. */
function parseConstraint(c: Cursor, t: DbTable): void {
  const name = c.accept('CONSTRAINT') ? c.next().text : '';
  if (c.accept('PRIMARY', 'KEY')) {
    t.primaryKey = { name, columns: c.names() };
    return;
  }
  if (c.accept('UNIQUE')) {
    t.uniques.push({ name, columns: c.names() });
    return;
  }
  if (c.accept('FOREIGN', 'KEY')) {
    const columns = c.names();
    c.accept('REFERENCES');
    const referencedTable = c.name();
    const referencedColumns = c.names();
    const fk: DbForeignKey = { name, columns, referencedTable, referencedColumns, onDelete: 'NO ACTION', onUpdate: 'NO ACTION' };
    while (!c.done() && !(c.peek()!.kind === 'punct' && [',', ')'].includes(c.peek()!.text))) {
      if (c.accept('ON', 'DELETE')) fk.onDelete = action(c);
      else if (c.accept('ON', 'UPDATE')) fk.onUpdate = action(c);
      else c.next();
    }
    t.foreignKeys.push(fk);
    return;
  }
  c.rest();
}

function forgetConstraint(t: DbTable, name: string): void {
  if (t.primaryKey.name === name) t.primaryKey = { name: '', columns: [] };
  t.uniques = t.uniques.filter((u) => u.name !== name);
  t.foreignKeys = t.foreignKeys.filter((f) => f.name !== name);
}

/** Applies one statement of TypeORM's PostgreSQL DDL to `s`; others (DML, comments, extensions) are skipped. */
function apply(s: DbSchema, sql: string, enumsUsed: Set<string>): void {
  const c = new Cursor(tokenize(sql));
  if (c.accept('CREATE', 'TYPE')) {
    const name = c.name();
    if (c.accept('AS', 'ENUM')) {
      const values = c.names();
      s.enums = s.enums.filter((e) => e.name !== name);
      s.enums.push({ name, values, origin: { type: name } });
    }
    return;
  }
  if (c.accept('DROP', 'TYPE')) {
    c.accept('IF', 'EXISTS');
    const name = c.name();
    s.enums = s.enums.filter((e) => e.name !== name);
    return;
  }
  if (c.accept('ALTER', 'TYPE')) {
    const name = c.name();
    const e = s.enums.find((x) => x.name === name);
    if (!e) return;
    if (c.accept('RENAME', 'TO')) {
      const to = c.name();
      for (const t of s.tables)
        for (const col of t.columns)
          if (col.enumName === name) {
            col.enumName = to;
            col.type = to;
          }
      e.name = to;
      e.origin = { type: to };
    } else if (c.accept('RENAME', 'VALUE')) {
      const from = c.next().text;
      c.accept('TO');
      const to = c.next().text;
      e.values = e.values.map((v) => (v === from ? to : v));
      // A default names the label by its identity: it follows the rename.
      const quoted = (v: string) => `'${v.replace(/'/g, "''")}'`;
      for (const t of s.tables)
        for (const col of t.columns) if (col.enumName === name && col.default === quoted(from)) col.default = quoted(to);
    } else if (c.accept('ADD', 'VALUE')) {
      c.accept('IF', 'NOT', 'EXISTS');
      const v = c.next().text;
      if (c.accept('BEFORE')) {
        const b = c.next().text;
        e.values.splice(Math.max(0, e.values.indexOf(b)), 0, v);
      } else if (c.accept('AFTER')) {
        const a = c.next().text;
        e.values.splice(e.values.indexOf(a) + 1, 0, v);
      } else e.values.push(v);
    }
    return;
  }
  if (c.accept('CREATE', 'TABLE')) {
    c.accept('IF', 'NOT', 'EXISTS');
    const name = c.name();
    const t: DbTable = {
      name,
      columns: [],
      primaryKey: { name: '', columns: [] },
      uniques: [],
      indices: [],
      foreignKeys: [],
      origin: { type: name },
    };
    c.punct('(');
    while (!c.done() && !c.punct(')')) {
      if (c.punct(',')) continue;
      const w = c.peek()!;
      if (w.kind === 'word' && ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(w.text.toUpperCase()))
        parseConstraint(c, t);
      else t.columns.push(parseColumn(c, enumsUsed));
    }
    s.tables = s.tables.filter((x) => x.name !== name);
    s.tables.push(t);
    return;
  }
  if (c.accept('DROP', 'TABLE')) {
    c.accept('IF', 'EXISTS');
    const name = c.name();
    s.tables = s.tables.filter((t) => t.name !== name);
    return;
  }
  if (c.accept('CREATE', 'UNIQUE', 'INDEX') || c.accept('CREATE', 'INDEX')) {
    const unique = c.tokens[1].text.toUpperCase() === 'UNIQUE';
    c.accept('IF', 'NOT', 'EXISTS');
    const name = c.name();
    c.accept('ON');
    const t = table(s, c.name());
    if (t) t.indices.push({ name, columns: c.names(), unique });
    return;
  }
  if (c.accept('DROP', 'INDEX')) {
    c.accept('IF', 'EXISTS');
    const name = c.name();
    for (const t of s.tables) t.indices = t.indices.filter((i) => i.name !== name);
    return;
  }
  if (c.accept('ALTER', 'INDEX')) {
    const name = c.name();
    if (c.accept('RENAME', 'TO')) {
      const to = c.name();
      for (const t of s.tables) for (const i of t.indices) if (i.name === name) i.name = to;
    }
    return;
  }
  if (c.accept('ALTER', 'TABLE')) {
    c.accept('ONLY');
    c.accept('IF', 'EXISTS');
    const name = c.name();
    const t = table(s, name);
    if (!t) return;
    while (!c.done()) {
      if (c.punct(',')) continue;
      if (c.accept('RENAME', 'TO')) {
        const to = c.name();
        for (const x of s.tables) for (const f of x.foreignKeys) if (f.referencedTable === t.name) f.referencedTable = to;
        t.name = to;
        t.origin = { type: to };
      } else if (c.accept('RENAME', 'CONSTRAINT')) {
        const from = c.next().text;
        c.accept('TO');
        const to = c.next().text;
        if (t.primaryKey.name === from) t.primaryKey.name = to;
        for (const x of [...t.uniques, ...t.foreignKeys]) if (x.name === from) x.name = to;
      } else if (c.accept('RENAME', 'COLUMN') || c.accept('RENAME')) {
        const from = c.next().text;
        c.accept('TO');
        const to = c.next().text;
        const col = t.columns.find((x) => x.name === from);
        if (col) col.name = to;
        const r = (xs: string[]) => xs.map((x) => (x === from ? to : x));
        t.primaryKey.columns = r(t.primaryKey.columns);
        for (const u of t.uniques) u.columns = r(u.columns);
        for (const i of t.indices) i.columns = r(i.columns);
        for (const f of t.foreignKeys) f.columns = r(f.columns);
        for (const x of s.tables)
          for (const f of x.foreignKeys) if (f.referencedTable === t.name) f.referencedColumns = r(f.referencedColumns);
      } else if (c.accept('ADD')) {
        const w = c.peek();
        if (w?.kind === 'word' && ['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'].includes(w.text.toUpperCase()))
          parseConstraint(c, t);
        else {
          c.accept('COLUMN');
          c.accept('IF', 'NOT', 'EXISTS');
          t.columns.push(parseColumn(c, enumsUsed));
        }
      } else if (c.accept('DROP', 'CONSTRAINT')) {
        c.accept('IF', 'EXISTS');
        forgetConstraint(t, c.next().text);
      } else if (c.accept('DROP', 'COLUMN') || c.accept('DROP')) {
        c.accept('IF', 'EXISTS');
        const col = c.next().text;
        t.columns = t.columns.filter((x) => x.name !== col);
        t.uniques = t.uniques.filter((u) => !u.columns.includes(col));
        t.indices = t.indices.filter((u) => !u.columns.includes(col));
        t.foreignKeys = t.foreignKeys.filter((u) => !u.columns.includes(col));
        if (t.primaryKey.columns.includes(col)) t.primaryKey = { name: '', columns: [] };
      } else if (c.accept('ALTER', 'COLUMN') || c.accept('ALTER')) {
        const col = t.columns.find((x) => x.name === c.peek()?.text);
        c.next();
        if (c.accept('SET', 'NOT', 'NULL')) {
          if (col) col.nullable = false;
        } else if (c.accept('DROP', 'NOT', 'NULL')) {
          if (col) col.nullable = true;
        } else if (c.accept('DROP', 'DEFAULT')) {
          if (col) {
            delete col.default;
            delete col.generated;
          }
        } else if (c.accept('SET', 'DEFAULT')) {
          const d = c.rest();
          if (col) {
            if (/^nextval\(/i.test(d)) col.generated = 'increment';
            else col.default = d;
          }
        } else if (c.accept('TYPE') || c.accept('SET', 'DATA', 'TYPE')) {
          const parsed = parseColumn(new Cursor([{ kind: 'ident', text: col?.name ?? '', raw: '' }, ...c.tokens.slice(c.i)]), enumsUsed);
          if (col) {
            col.type = parsed.type;
            col.array = parsed.array;
            if (parsed.length !== undefined) col.length = parsed.length;
            else delete col.length;
            if (parsed.enumName !== undefined) col.enumName = parsed.enumName;
            else delete col.enumName;
          }
          c.rest();
        } else c.rest();
      } else {
        c.rest();
      }
    }
  }
}

/**
 * The physical schema that a service's existing migrations leave, from their SQL in order (see
 * `migrationStatements`). Origins are guessed from the names (table = type, column = field,
 * `<field>Id` = a relation's join column); join tables are recognised by their two-column key.
 */
export function schemaFromMigrations(statements: string[]): DbSchema {
  const s: DbSchema = { version: 1, tables: [], enums: [] };
  const enumsUsed = new Set<string>();
  for (const sql of statements) apply(s, sql, enumsUsed);
  s.tables = s.tables.filter((t) => t.name !== 'migrations' && t.name !== 'typeorm_metadata');
  for (const t of s.tables) {
    const keys = t.primaryKey.columns;
    t.junction =
      (keys.length === 2 &&
        t.columns.length === 2 &&
        keys.every((k) => t.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === k))) ||
      undefined;
    if (!t.junction) delete t.junction;
    for (const col of t.columns) {
      const fk = t.foreignKeys.some((f) => f.columns.length === 1 && f.columns[0] === col.name);
      col.origin = { type: t.name, field: fk && /Id$/.test(col.name) ? col.name.slice(0, -2) : col.name };
    }
    if (t.junction) {
      const [a, b] = keys.map((k) => t.foreignKeys.find((f) => f.columns[0] === k)!.referencedTable);
      // `<owner>_<field in snake case>_<target>`, lower case: the owner's field, in camel case.
      const owner = a.toLowerCase();
      let field = t.name;
      if (field.startsWith(`${owner}_`)) field = field.slice(owner.length + 1);
      if (field.endsWith(`_${b.toLowerCase()}`)) field = field.slice(0, -(b.length + 1));
      field = field.replace(/_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
      t.origin = { type: a, field };
      t.columns[0].origin = { type: a, field };
      t.columns[1].origin = { type: b, field };
    }
  }
  return s;
}
