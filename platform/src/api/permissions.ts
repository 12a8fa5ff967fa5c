// Who may do what, in one table: every Query and Mutation field of the API has a row saying the
// role it needs in the caller's current organization (or that it needs only a login, or nothing),
// and whether it goes into the organization's activity feed. schema.ts wraps every root resolver
// with this check, so no resolver checks roles itself; a field without a row fails the build.
import { ApiError } from '../errors';
import type { Role } from '../store/teams';

/** `public`: no token (signup, login). `account`: a token, in no particular organization. Else the least role. */
export type Need = 'public' | 'account' | Role;

export interface Permission {
  /** The role needed; a function when it depends on the arguments (production secrets, billable plans). */
  need: Need | ((args: Record<string, unknown>) => Need);
  /** Mutations that change an organization's data are recorded in its activity feed. */
  activity?: boolean;
}

const RANK: Record<Role, number> = { developer: 1, admin: 2, owner: 3 };

export function allows(role: Role, need: Role): boolean {
  return RANK[role] >= RANK[need];
}

const productionNeedsAdmin = (args: Record<string, unknown>): Need => (args.environment === 'production' ? 'admin' : 'developer');

export const PERMISSIONS: Record<string, Permission> = {
  'Query.viewer': { need: 'developer' },
  'Query.organizations': { need: 'account' },
  'Query.members': { need: 'developer' },
  'Query.activity': { need: 'developer' },
  'Query.services': { need: 'developer' },
  'Query.service': { need: 'developer' },
  'Query.deployment': { need: 'developer' },
  // The same as pushing: a developer of the service's organization (the route GET /source/... checks this row too).
  'Query.serviceSource': { need: 'developer' },
  'Query.logs': { need: 'developer' },
  'Query.projects': { need: 'developer' },
  'Query.project': { need: 'developer' },
  'Query.secrets': { need: productionNeedsAdmin },
  'Query.clientKeys': { need: 'admin' },
  'Query.usage': { need: 'developer' },
  'Query.invoice': { need: 'admin' },
  'Query.schemaCheck': { need: 'developer' },
  'Query.schemaUsage': { need: 'developer' },
  'Query.corsOrigins': { need: 'developer' },

  'Mutation.signup': { need: 'public' },
  'Mutation.login': { need: 'public' },
  'Mutation.logout': { need: 'account' },
  'Mutation.logoutEverywhere': { need: 'account' },
  'Mutation.changePassword': { need: 'account' },
  'Mutation.joinOrganization': { need: 'account' },
  'Mutation.inviteMember': { need: 'admin', activity: true },
  'Mutation.setMemberRole': { need: 'owner', activity: true },
  'Mutation.removeMember': { need: 'admin', activity: true },
  'Mutation.leaveOrganization': { need: 'developer', activity: true },
  'Mutation.createService': { need: 'developer', activity: true },
  'Mutation.removeService': { need: 'developer', activity: true },
  'Mutation.rotateDeveloperKey': { need: 'developer', activity: true },
  'Mutation.promote': { need: 'developer', activity: true },
  'Mutation.createProject': { need: 'developer', activity: true },
  'Mutation.deleteProject': { need: 'admin', activity: true },
  'Mutation.addServiceToProject': {
    need: (args) => (!args.plan || (args.plan as { billingType?: string }).billingType === 'NOT_BILLABLE' ? 'developer' : 'admin'),
    activity: true,
  },
  'Mutation.removeServiceFromProject': { need: 'admin', activity: true },
  'Mutation.promoteInstance': { need: 'developer', activity: true },
  'Mutation.rollInstance': { need: 'developer', activity: true },
  'Mutation.setRatePlan': { need: 'admin', activity: true },
  'Mutation.addClientKey': { need: 'admin', activity: true },
  'Mutation.removeClientKey': { need: 'admin', activity: true },
  'Mutation.addSecret': { need: productionNeedsAdmin, activity: true },
  'Mutation.removeSecret': { need: productionNeedsAdmin, activity: true },
  // Which browser origins may call production is the project's business: an admin's.
  'Mutation.changeCorsOrigins': { need: productionNeedsAdmin, activity: true },
};

/** What the push route (not a GraphQL field) needs. */
export const PUSH_PERMISSION: Permission = { need: 'developer', activity: true };

export function needOf(permission: Permission, args: Record<string, unknown>): Need {
  return typeof permission.need === 'function' ? permission.need(args) : permission.need;
}

export function forbidden(operation: string, need: Role, role: Role, organizationName: string): ApiError {
  const a = (r: Role) => (r === 'developer' ? `a ${r}` : `an ${r}`);
  const who = need === 'owner' ? 'an owner' : 'an owner or an admin';
  return new ApiError(
    'FORBIDDEN',
    `${operation} needs the ${need} role in ${organizationName}; you are ${a(role)} there. Ask ${who} of ${organizationName} to do it, or to give you the role.`,
    { need, role },
  );
}
