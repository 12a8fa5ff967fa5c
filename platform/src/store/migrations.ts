// The store's schema, as numbered migrations applied in order at start. Never edit a migration
// that has shipped: add the next number. Each is a list of single statements (PGlite's extended
// protocol runs one statement per query).
import { Db } from './db';

export interface StoreMigration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly StoreMigration[] = [
  {
    version: 1,
    name: 'accounts, services, environments, versions, deployments',
    statements: [
      `CREATE TABLE organizations (
        id text PRIMARY KEY,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE accounts (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        email text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // Emails are stored lower-cased; the index is the one guard against two accounts per email.
      `CREATE UNIQUE INDEX accounts_email_key ON accounts (email)`,
      `CREATE TABLE tokens (
        id text PRIMARY KEY,
        account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        token_sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz
      )`,
      `CREATE UNIQUE INDEX tokens_sha256_key ON tokens (token_sha256)`,
      `CREATE TABLE services (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        developer_key_sha256 text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX services_organization_name_key ON services (organization_id, lower(name))`,
      `CREATE TABLE environments (
        id text PRIMARY KEY,
        service_id text NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        name text NOT NULL CHECK (name IN ('private', 'demo')),
        endpoint_id text NOT NULL UNIQUE,
        current_deployment_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (service_id, name)
      )`,
      `CREATE TABLE versions (
        id text PRIMARY KEY,
        service_id text NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        version text NOT NULL,
        release_notes text,
        schema_hash text NOT NULL,
        build_path text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (service_id, version)
      )`,
      `CREATE TABLE deployments (
        id text PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        version_id text NOT NULL REFERENCES versions(id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('DEPLOYMENT_INITIALIZED', 'DEPLOYMENT_IN_PROGRESS', 'DEPLOYED', 'DEPLOYMENT_FAILED')),
        error text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz
      )`,
      `CREATE INDEX deployments_environment_created ON deployments (environment_id, created_at DESC)`,
      `ALTER TABLE environments ADD CONSTRAINT environments_current_deployment_fkey
        FOREIGN KEY (current_deployment_id) REFERENCES deployments(id) ON DELETE SET NULL`,
    ],
  },
  {
    version: 2,
    name: 'deployment logs',
    statements: [
      `CREATE TABLE logs (
        id bigserial PRIMARY KEY,
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        deployment_id text,
        at timestamptz NOT NULL,
        stream text NOT NULL CHECK (stream IN ('stdout', 'stderr', 'request', 'platform')),
        message text NOT NULL
      )`,
      `CREATE INDEX logs_environment_id ON logs (environment_id, id)`,
    ],
  },
  {
    version: 3,
    name: 'projects, service-instances, client keys, secrets, rate plans, usage',
    statements: [
      `CREATE TABLE projects (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE UNIQUE INDEX projects_organization_name_key ON projects (organization_id, lower(name))`,
      // A removed instance keeps its row (removed_at), its rate plans and its usage: the months it
      // ran in are still invoiced. Its environments are deleted.
      `CREATE TABLE instances (
        id text PRIMARY KEY,
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        service_id text NOT NULL REFERENCES services(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        removed_at timestamptz
      )`,
      `CREATE UNIQUE INDEX instances_project_service_key ON instances (project_id, service_id) WHERE removed_at IS NULL`,
      `ALTER TABLE environments ADD COLUMN instance_id text REFERENCES instances(id) ON DELETE CASCADE`,
      `ALTER TABLE environments DROP CONSTRAINT environments_name_check`,
      `ALTER TABLE environments ADD CONSTRAINT environments_name_check CHECK (
        (instance_id IS NULL AND name IN ('private', 'demo'))
        OR (instance_id IS NOT NULL AND name IN ('development', 'staging', 'production')))`,
      `ALTER TABLE environments DROP CONSTRAINT environments_service_id_name_key`,
      `CREATE UNIQUE INDEX environments_service_name_key ON environments (service_id, name) WHERE instance_id IS NULL`,
      `CREATE UNIQUE INDEX environments_instance_name_key ON environments (instance_id, name) WHERE instance_id IS NOT NULL`,
      `CREATE TABLE client_keys (
        id text PRIMARY KEY,
        project_id text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_sha256 text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        revoked_at timestamptz
      )`,
      `CREATE TABLE secrets (
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        name text NOT NULL,
        sealed text NOT NULL,
        preview text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (environment_id, name)
      )`,
      `CREATE TABLE rate_plans (
        id text PRIMARY KEY,
        instance_id text NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        billing_type text NOT NULL CHECK (billing_type IN ('NOT_BILLABLE', 'MONTHLY', 'PAY_PER_CALL')),
        amount bigint NOT NULL CHECK (amount >= 0),
        currency text NOT NULL,
        free_calls integer NOT NULL CHECK (free_calls >= 0),
        effective_from timestamptz NOT NULL DEFAULT clock_timestamp()
      )`,
      `CREATE INDEX rate_plans_instance ON rate_plans (instance_id, effective_from DESC)`,
      `CREATE TABLE usage (
        instance_id text NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        environment text NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
        month date NOT NULL,
        plan_id text NOT NULL REFERENCES rate_plans(id) ON DELETE CASCADE,
        calls bigint NOT NULL CHECK (calls >= 0),
        PRIMARY KEY (instance_id, environment, month, plan_id)
      )`,
      // How far the metering journal has been applied: entries up to this sequence number are in usage.
      `CREATE TABLE metering_state (
        id integer PRIMARY KEY CHECK (id = 1),
        applied_seq bigint NOT NULL
      )`,
      `INSERT INTO metering_state (id, applied_seq) VALUES (1, 0)`,
    ],
  },
  {
    version: 4,
    name: 'browser origins of instance environments',
    statements: [
      `CREATE TABLE environment_cors_origins (
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        origin text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (environment_id, origin)
      )`,
    ],
  },
  {
    version: 5,
    name: 'rate limits and quotas in rate plans, refused calls',
    statements: [
      `ALTER TABLE rate_plans ADD COLUMN rate_limit integer CHECK (rate_limit > 0)`,
      `ALTER TABLE rate_plans ADD COLUMN rate_period text CHECK (rate_period IN ('second', 'minute'))`,
      `ALTER TABLE rate_plans ADD COLUMN quota integer CHECK (quota > 0)`,
      `ALTER TABLE rate_plans ADD COLUMN quota_overage boolean NOT NULL DEFAULT false`,
      // Calls the gateway refused (over a rate limit or quota, or too complex): counted, never billed.
      `CREATE TABLE refused_calls (
        instance_id text NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
        environment text NOT NULL,
        month date NOT NULL,
        reason text NOT NULL,
        calls bigint NOT NULL CHECK (calls >= 0),
        PRIMARY KEY (instance_id, environment, month, reason)
      )`,
    ],
  },
  {
    version: 6,
    name: 'schema usage: which coordinates each operation of each client used, per environment and day',
    statements: [
      // Rolling daily aggregates, kept 90 days: what a schema change is judged against.
      `CREATE TABLE schema_usage (
        environment_id text NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
        day date NOT NULL,
        client text NOT NULL,
        operation_hash text NOT NULL,
        operation_name text,
        coordinate text NOT NULL,
        calls bigint NOT NULL CHECK (calls >= 0),
        PRIMARY KEY (environment_id, day, client, operation_hash, coordinate)
      )`,
      `CREATE INDEX schema_usage_day ON schema_usage (day)`,
    ],
  },
  {
    version: 7,
    name: 'teams: memberships with roles, invitations, the activity feed',
    statements: [
      `CREATE TABLE memberships (
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        account_id text NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'developer')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, account_id)
      )`,
      `CREATE INDEX memberships_account ON memberships (account_id)`,
      // Every account owned the organization it signed up with.
      `INSERT INTO memberships (organization_id, account_id, role, created_at) SELECT organization_id, id, 'owner', created_at FROM accounts`,
      `CREATE TABLE invitations (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'developer')),
        code_sha256 text NOT NULL UNIQUE,
        invited_by text REFERENCES accounts(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        accepted_at timestamptz
      )`,
      `CREATE TABLE activity (
        id bigserial PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_email text NOT NULL,
        action text NOT NULL,
        target text,
        details text
      )`,
      `CREATE INDEX activity_organization ON activity (organization_id, id DESC)`,
    ],
  },
];

/** Any number: it only has to be the same in every platform process sharing a database. */
const MIGRATION_LOCK = 0x636f6465;

/**
 * Brings the store's schema up to the newest migration in one transaction, and returns the
 * versions it applied (none when it was current). Two platforms starting on one server database
 * take turns on an advisory lock instead of racing.
 */
export async function migrate(db: Db, migrations: readonly StoreMigration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(`CREATE TABLE IF NOT EXISTS store_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM store_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(
        `The store was upgraded by a newer platform (schema version ${newest}; this one knows up to ${known}). Run the newer platform, or use another data directory.`,
      );
    }
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      for (const sql of m.statements) await tx.query(sql);
      await tx.query('INSERT INTO store_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      done.push(m.version);
    }
    return done;
  });
}
