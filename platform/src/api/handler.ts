// POST /graphql: the platform API over graphql-http's Node handler, with errors that always carry
// `extensions.code` and never leak an internal error's message.
import type { IncomingMessage, ServerResponse } from 'http';
import { GraphQLError } from 'graphql';
import { OperationContext } from 'graphql-http';
import { createHandler } from 'graphql-http/lib/use/http';
import { ORGANIZATION_HEADER } from '../auth/auth';
import { ApiError } from '../errors';
import { ApiContext, ApiParts } from './context';
import { buildPlatformSchema } from './schema';

/** `logError`: where internal errors are reported (their messages are not sent to the client). */
export type ApiHandlerOptions = ApiParts;

export function createApiHandler(options: ApiHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const schema = buildPlatformSchema();
  const contexts = new WeakMap<IncomingMessage, ApiContext>();
  const handler = createHandler<OperationContext>({
    schema,
    // A class instance is no Record to graphql-http's types; resolvers receive it as an ApiContext.
    context: (req) => {
      const ctx = new ApiContext(
        options,
        header(req.raw, 'authorization'),
        req.raw.socket.remoteAddress,
        header(req.raw, ORGANIZATION_HEADER),
      );
      contexts.set(req.raw, ctx);
      return ctx as unknown as OperationContext;
    },
    formatError: (err) => formatError(err, options.logError),
  });
  return (req, res) => {
    // graphql-http picks the status itself; a throttled login or sign-up is a 429 with Retry-After.
    const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => ServerResponse;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      const retryAfter = contexts.get(req)?.retryAfter;
      if (retryAfter === undefined) return writeHead(status, ...rest);
      res.setHeader('retry-after', String(retryAfter));
      return writeHead(429, ...(typeof rest[0] === 'string' ? ['Too Many Requests', ...rest.slice(1)] : rest));
    }) as ServerResponse['writeHead'];
    return handler(req, res);
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every error the API answers with gets a code; one we did not throw on purpose is masked and logged. */
export function formatError(err: Readonly<GraphQLError | Error>, logError: ApiHandlerOptions['logError']): GraphQLError {
  if (!(err instanceof GraphQLError)) {
    // graphql-http's own request errors: "Unparsable JSON body", "Missing query", ...
    return new GraphQLError(
      `Bad request: ${err.message}. Send a JSON body {"query": "...", "variables": {...}} with Content-Type: application/json.`,
      { extensions: { code: 'BAD_REQUEST' } },
    );
  }
  const original = err.originalError;
  if (original instanceof ApiError) return err as GraphQLError;
  if (original && !(original instanceof GraphQLError)) {
    // graphql-js reports a variable or literal its scalar rejected with originalError set too.
    if (!err.path) return withCode(err, 'BAD_USER_INPUT');
    logError(`internal error in ${err.path.join('.')}`, original);
    return new GraphQLError('Internal error on the platform; its log has the details.', {
      nodes: err.nodes,
      source: err.source,
      positions: err.positions,
      path: err.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  }
  if (err.extensions?.code) return err as GraphQLError;
  if (err.message.startsWith('Syntax Error')) return withCode(err, 'GRAPHQL_PARSE_FAILED');
  if (/^Variable "\$[^"]+" /.test(err.message)) return withCode(err, 'BAD_USER_INPUT');
  return withCode(err, 'GRAPHQL_VALIDATION_FAILED');
}

function withCode(err: Readonly<GraphQLError>, code: string): GraphQLError {
  return new GraphQLError(err.message, {
    nodes: err.nodes,
    source: err.source,
    positions: err.positions,
    path: err.path,
    extensions: { ...err.extensions, code },
  });
}
