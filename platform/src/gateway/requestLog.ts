// The gateway's one line per request, `query Feed (allPosts) 200 3.1 ms acme`, and the same line
// read back into fields (for `codestore logs --json` and the API). One format, written and read here.

export interface RequestRecord {
  /** `query`, `mutation` or `subscription`; for a request the gateway could not read, its HTTP method. */
  operationType: string;
  operationName: string | null;
  rootFields: string[];
  /** The HTTP status, or `aborted` when the answer was cut off. */
  status: string;
  ms: number;
  /** The client key's name, for production calls. */
  clientKey: string | null;
  /** Why the gateway refused it, when it did (a code such as QUERY_TOO_COMPLEX, then its detail). */
  refused: string | null;
}

/** Root fields shown in a line; the rest are counted. */
const ROOT_FIELDS_SHOWN = 10;
const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function formatRequestLine(r: RequestRecord): string {
  let head = r.operationType;
  if (r.operationName) head += ` ${r.operationName}`;
  if (r.rootFields.length) {
    const shown = r.rootFields.slice(0, ROOT_FIELDS_SHOWN).join(', ');
    head += ` (${shown}${r.rootFields.length > ROOT_FIELDS_SHOWN ? `, +${r.rootFields.length - ROOT_FIELDS_SHOWN}` : ''})`;
  }
  let line = `${head} ${r.status} ${r.ms.toFixed(1)} ms`;
  // A key name is the project's own text: quoted when it could be mistaken for the rest of the line.
  if (r.clientKey) line += ` ${/^[\w.@-]+$/.test(r.clientKey) ? r.clientKey : JSON.stringify(r.clientKey)}`;
  if (r.refused) line += ` refused: ${r.refused}`;
  return line;
}

const LINE =
  /^([a-zA-Z]+)(?: ([_A-Za-z][_0-9A-Za-z]*))?(?: \(([^)]*)\))? (\d{3}|aborted) (\d+(?:\.\d+)?) ms(?: ("(?:[^"\\]|\\.)*"|[\w.@-]+))?(?: refused: (.*))?$/s;

/** Reads a request line back; undefined for a line not in this format (one written before it). */
export function parseRequestLine(message: string): RequestRecord | undefined {
  const m = LINE.exec(message);
  if (!m) return undefined;
  const [, operationType, operationName, fields, status, ms, key, refused] = m;
  let clientKey: string | null = null;
  if (key) {
    try {
      clientKey = key.startsWith('"') ? (JSON.parse(key) as string) : key;
    } catch {
      return undefined;
    }
  }
  return {
    operationType,
    operationName: operationName ?? null,
    rootFields: fields ? fields.split(', ').filter((f) => NAME.test(f)) : [],
    status,
    ms: Number(ms),
    clientKey,
    refused: refused ?? null,
  };
}
