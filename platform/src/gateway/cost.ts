// Cost limits: what an operation may ask for before the gateway lets it reach the service. The
// platform's defaults apply unless the service's codestore.yaml sets `limits`, which may raise
// them up to the platform's maximum (never past it: the maximum protects the machine).
import type { OperationAnalysis } from './document';

export interface CostLimits {
  /** Bytes of the GraphQL document (the `query` text). */
  documentSize: number;
  /** Fields nested in fields. */
  depth: number;
  /** Fields the operation would resolve, by the cost model (aliases and list items counted). */
  fields: number;
}

export type CostLimit = keyof CostLimits;

export const DEFAULT_COST_LIMITS: Readonly<CostLimits> = { documentSize: 64 * 1024, depth: 15, fields: 10_000 };
/** The most a service may set. documentSize's is the gateway's body limit. */
export const MAX_COST_LIMITS: Readonly<CostLimits> = { documentSize: 1024 * 1024, depth: 50, fields: 200_000 };

const WHAT: Record<CostLimit, string> = {
  documentSize: 'the document has {m} bytes',
  depth: 'the operation nests fields {m} deep',
  fields: 'the operation would resolve {m} fields',
};
const HOW: Record<CostLimit, string> = {
  documentSize: 'Send a shorter document (fewer aliases, or variables instead of inline values)',
  depth: 'Nest fewer levels',
  fields: 'Ask for fewer aliases or smaller lists (first/limit arguments)',
};

export interface CostRefusal {
  limit: CostLimit;
  measured: number;
  maximum: number;
  message: string;
}

/**
 * Reads `limits` from a parsed codestore.yaml: each of documentSize, depth and fields a positive
 * integer, at most the platform's maximum. Unknown keys and bad values are reported, not applied.
 */
export function costLimitsOf(manifest: Record<string, unknown>): { limits: CostLimits; problems: string[] } {
  const limits = { ...DEFAULT_COST_LIMITS };
  const problems: string[] = [];
  const given = manifest.limits;
  if (given === undefined || given === null) return { limits, problems };
  if (typeof given !== 'object' || Array.isArray(given)) {
    return { limits, problems: ['`limits` in codestore.yaml must be a mapping, for example `limits: { depth: 20, fields: 20000 }`.'] };
  }
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    if (!(key in DEFAULT_COST_LIMITS)) {
      problems.push(`\`limits.${key}\` in codestore.yaml is not a limit: use ${Object.keys(DEFAULT_COST_LIMITS).join(', ')}.`);
      continue;
    }
    const k = key as CostLimit;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      problems.push(`\`limits.${k}\` in codestore.yaml must be a positive whole number, not ${JSON.stringify(value)}.`);
    } else if (value > MAX_COST_LIMITS[k]) {
      problems.push(
        `\`limits.${k}\` in codestore.yaml is ${value}, more than the platform allows (${MAX_COST_LIMITS[k]}); ${MAX_COST_LIMITS[k]} applies.`,
      );
      limits[k] = MAX_COST_LIMITS[k];
    } else {
      limits[k] = value;
    }
  }
  return { limits, problems };
}

function refusal(limit: CostLimit, measured: number, maximum: number): CostRefusal {
  const m = Number.isFinite(measured) ? Math.round(measured).toLocaleString('en-US') : 'too many';
  const message =
    `Query too complex: ${WHAT[limit].replace('{m}', m)}; the limit (${limit}) is ${maximum.toLocaleString('en-US')}. ` +
    `${HOW[limit]}, or raise \`limits.${limit}\` in the service's codestore.yaml (at most ${MAX_COST_LIMITS[limit].toLocaleString('en-US')}). Nothing ran.`;
  return { limit, measured: Number.isFinite(measured) ? Math.round(measured) : Number.MAX_SAFE_INTEGER, maximum, message };
}

/** The document's size against its limit: checked before the document is parsed. */
export function checkDocumentSize(bytes: number, limits: CostLimits): CostRefusal | undefined {
  return bytes > limits.documentSize ? refusal('documentSize', bytes, limits.documentSize) : undefined;
}

/** The operation's depth, then its fields, against the limits. */
export function checkOperation(
  op: OperationAnalysis,
  variables: Record<string, unknown> | undefined,
  limits: CostLimits,
): CostRefusal | undefined {
  if (op.depth > limits.depth) return refusal('depth', op.depth, limits.depth);
  const fields = op.fieldCount(variables);
  return fields > limits.fields ? refusal('fields', fields, limits.fields) : undefined;
}
