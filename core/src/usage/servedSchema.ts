// The schema an environment serves, as clients see it: the service's SDL with the platform's
// prelude (its directives and scalars). What usage is extracted against and changes are diffed on.
import { buildASTSchema, GraphQLSchema } from 'graphql';
import { SchemaAnalysis } from '../schema/analysis';

/** Builds the served schema from a service's SDL; throws a GraphQLError when it does not parse. */
export function servedSchema(sdl: string): GraphQLSchema {
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(sdl);
  return buildASTSchema(analysis.documentWithPrelude(), { assumeValidSDL: true });
}
