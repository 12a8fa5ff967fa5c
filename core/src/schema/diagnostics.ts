// The core's diagnostic shape: offsets into the document, a stable code, a message that says how
// to fix it. Hosts (the language server, the platform, the CLI) convert offsets to their own
// positions.

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface SchemaDiagnostic {
  /** Offset of the first character, in the document. */
  start: number;
  /** Offset after the last character. */
  end: number;
  severity: Severity;
  /** Stable identifier, e.g. `unknown-type` or `entity-missing-id`. */
  code: string;
  message: string;
  /** Data a code action needs to fix it (for example the suggested names). */
  data?: DiagnosticData;
}

export type DiagnosticData =
  | { kind: 'did-you-mean'; name: string; suggestions: string[] }
  | { kind: 'missing-id'; typeName: string; insertAt: number; indent: string }
  | { kind: 'missing-resolver'; operation: 'queries' | 'mutations'; field: string; file: string }
  | { kind: 'orphan-resolver'; file: string }
  | { kind: 'ambiguous-relation'; typeName: string; field: string; candidates: string[]; insertAt: number }
  | { kind: 'unsupported-type'; typeName: string; insertAt: number };

/** graphql-js validation rule names mapped to this product's diagnostic codes. */
export const RULE_CODES: Record<string, string> = {
  LoneSchemaDefinitionRule: 'lone-schema-definition',
  UniqueOperationTypesRule: 'duplicate-operation-type',
  UniqueTypeNamesRule: 'duplicate-type',
  UniqueEnumValueNamesRule: 'duplicate-enum-value',
  UniqueFieldDefinitionNamesRule: 'duplicate-field',
  UniqueArgumentDefinitionNamesRule: 'duplicate-argument-definition',
  UniqueDirectiveNamesRule: 'duplicate-directive',
  KnownTypeNamesRule: 'unknown-type',
  KnownDirectivesRule: 'unknown-or-misplaced-directive',
  UniqueDirectivesPerLocationRule: 'duplicate-directive-use',
  PossibleTypeExtensionsRule: 'invalid-type-extension',
  KnownArgumentNamesOnDirectivesRule: 'unknown-argument',
  UniqueArgumentNamesRule: 'duplicate-argument',
  UniqueInputFieldNamesRule: 'duplicate-input-field',
  ProvidedRequiredArgumentsOnDirectivesRule: 'missing-required-argument',
};

/** Codes for graphql-js schema validation (validateSchema) messages, matched by their text. */
export const SCHEMA_MESSAGE_CODES: Array<[RegExp, string]> = [
  [/must define one or more (fields|values)/, 'empty-type'],
  [/Interface field .* expected but .* does not provide it/, 'interface-field-missing'],
  [/Interface field .* expects type .* but .* is type/, 'interface-field-type'],
  [/Interface field argument .* expected but .* does not provide it/, 'interface-argument-missing'],
  [/Interface field argument .* expects type/, 'interface-argument-type'],
  [/Object field .* includes required argument .* that is missing from the Interface field/, 'interface-extra-required-argument'],
  [/must be an Output Type/, 'not-output-type'],
  [/must be an Input Type/, 'not-input-type'],
  [/can only implement Interface types|can only include Object types/, 'wrong-kind'],
  [/must only implement Interface .* once|can only include type .* once/, 'duplicate-member'],
  [/must support interface|cannot implement itself/, 'interface-implementation'],
  [/Cannot reference Input Object .* within itself/, 'input-cycle'],
  [/root type/, 'root-type'],
  [/is reserved by the introspection types|Name .* must not begin with "__"|Names must/, 'invalid-name'],
  [/cannot be deprecated/, 'invalid-deprecation'],
];
