// The schema an environment serves, as clients see it: the service's SDL with the platform's
// prelude (its directives and scalars). What usage is extracted against and changes are diffed on.
import { buildASTSchema, GraphQLSchema, parse } from 'graphql';
import { SchemaAnalysis } from '../schema/analysis';

/** Builds the served schema from a service's SDL; throws a GraphQLError when it does not parse. */
export function servedSchema(sdl: string): GraphQLSchema {
  // The analysis tolerates syntax errors (the editor needs that); a served schema does not.
  parse(sdl, { noLocation: true });
  const analysis = new SchemaAnalysis({ prelude: true });
  analysis.update(sdl);
  return buildASTSchema(analysis.documentWithPrelude(), { assumeValidSDL: true });
}
