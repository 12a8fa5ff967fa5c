// Every custom message and command between the extension and the language server, declared once
// and imported by both sides.

/** Settings the extension passes in `initializationOptions` and on `workspace/didChangeConfiguration`. */
export interface ServerSettings {
  /** Minimum milliseconds between two validations of a document while typing. */
  debounceMs?: number;
  /** When generated entities and the pending migration are written to disk. */
  codegen?: 'onType' | 'onSave' | 'never';
  /** Milliseconds of pause after the last valid edit before code is generated. */
  codegenDelayMs?: number;
}

/**
 * `workspace/executeCommand` commands the server handles. The client sends them from the command
 * palette and code actions; the first argument is the URI of the service's `src/schema.graphql`.
 */
export namespace ServerCommands {
  /** Gives the pending migration its final timestamped name and advances the snapshot. */
  export const commitMigration = 'codestore.commitMigration';
  /** Writes the entities and the pending migration now, whatever the `codegen` setting. */
  export const generate = 'codestore.generate';
  export const all = [commitMigration, generate];
}

/** What `codestore.commitMigration` and `codestore.generate` return. */
export interface GenerateResult {
  /** Paths written, relative to the service folder. */
  written: string[];
  deleted: string[];
  /** The committed migration's file, for commitMigration. */
  migration?: string;
  /** Why nothing was generated (for example: the schema has errors). */
  skipped?: string;
}

/** What clients called in one environment a service serves in, as the platform records it. */
export interface EnvironmentUsage {
  /** Names the environment in messages: "production of shop", "demo". */
  label: string;
  /** The window the calls were counted over. */
  days: number;
  /** The SDL the environment serves; absent when it serves nothing. */
  schema?: string;
  /** Each operation of each client: its calls in the window and the schema coordinates it used. */
  operations: Array<{ name?: string | null; hash: string; client: string; calls: number; coordinates: string[] }>;
}

/**
 * Client → server: the recorded usage of a service's environments, fetched from the platform on
 * open, after push and promote, and every few minutes. The server warns where an edit would break
 * recorded operations, shows each field's usage on hover, and hints at deprecated fields still
 * called and at fields nobody called. An empty `environments` forgets the service's usage.
 */
export namespace SchemaUsageNotification {
  export const method = 'codestore/schemaUsage';
  export interface Params {
    /** The URI of the service's src/schema.graphql. */
    schemaUri: string;
    environments: EnvironmentUsage[];
  }
}
