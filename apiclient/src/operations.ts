// The GraphQL documents the client sends. test/platform checks each against the platform's schema.

const VERSION = 'id version releaseNotes schemaHash createdAt';
const DEPLOYMENT = `id environment status error createdAt finishedAt version { ${VERSION} }`;

const ENVIRONMENT = `name endpointId path status currentVersion { ${VERSION} } latestDeployment { ${DEPLOYMENT} } idle`;

/** Everything a services tree shows, so one `services` query fills it. */
export const SERVICE_FIELDS = `
  id name createdAt
  environments { ${ENVIRONMENT} }
  versions { ${VERSION} }
`;

const RATE_PLAN = 'id billingType amount currency freeCallsPerMonth rateLimit quotaPerMonth quotaOverage effectiveFrom';
const INSTANCE = `id projectId createdAt service { id name } ratePlan { ${RATE_PLAN} } ratePlanHistory { ${RATE_PLAN} } environments { ${ENVIRONMENT} }`;
/** A project with its instances and their environments: one `projects` query fills a projects tree. */
export const PROJECT_FIELDS = `id name createdAt instances { ${INSTANCE} }`;
const CLIENT_KEY = 'id name prefix createdAt revokedAt';
const SECRET = 'name preview updatedAt';
/** Instance operations: the project, the service, and (for some) one of its environments. */
const INSTANCE_VARS = '$projectId: ID!, $serviceId: ID!';
const INSTANCE_ARGS = 'projectId: $projectId, serviceId: $serviceId';

const SCHEMA_CHANGE = 'type level message path description breaksUsage operations { name hash calls } clients calls';

const SESSION_FIELDS = 'token account { id email createdAt } organization { id name createdAt }';

export const OPERATIONS = {
  signup: `mutation Signup($email: String!, $password: String!) { signup(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
  login: `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
  logout: 'mutation Logout { logout }',
  whoami: 'query Viewer { viewer { account { id email createdAt } organization { id name createdAt } role } }',
  createService: `mutation CreateService($name: String!) { createService(name: $name) { developerKey service { ${SERVICE_FIELDS} } } }`,
  listServices: `query Services { services { ${SERVICE_FIELDS} } }`,
  serviceInfo: `query Service($id: ID!) { service(id: $id) { ${SERVICE_FIELDS} } }`,
  removeService: 'mutation RemoveService($id: ID!) { removeService(id: $id) }',
  serviceSource: `query ServiceSource($serviceId: ID!, $version: String) { serviceSource(serviceId: $serviceId, version: $version) { service { id name } version { ${VERSION} } sizeBytes sha256 downloadPath } }`,
  deployment: `query Deployment($id: ID!) { deployment(id: $id) { ${DEPLOYMENT} } }`,
  logs: `query Logs($serviceId: ID!, $environment: EnvironmentName!, $after: ID, $limit: Int, $projectId: ID) { logs(serviceId: $serviceId, environment: $environment, after: $after, limit: $limit, projectId: $projectId) { cursor lines { id at deploymentId stream message request { operationType operationName rootFields status ms clientKey refused } } } }`,
  promote: `mutation Promote($serviceId: ID!, $force: Boolean) { promote(serviceId: $serviceId, force: $force) { ${DEPLOYMENT} } }`,
  listProjects: `query Projects { projects { ${PROJECT_FIELDS} } }`,
  projectInfo: `query Project($id: ID!) { project(id: $id) { ${PROJECT_FIELDS} } }`,
  createProject: `mutation CreateProject($name: String!) { createProject(name: $name) { ${PROJECT_FIELDS} } }`,
  deleteProject: 'mutation DeleteProject($id: ID!, $force: Boolean) { deleteProject(id: $id, force: $force) }',
  addServiceToProject: `mutation AddServiceToProject(${INSTANCE_VARS}, $plan: RatePlanInput) { addServiceToProject(${INSTANCE_ARGS}, plan: $plan) { ${INSTANCE} } }`,
  removeServiceFromProject: `mutation RemoveServiceFromProject(${INSTANCE_VARS}, $dropDatabases: Boolean) { removeServiceFromProject(${INSTANCE_ARGS}, dropDatabases: $dropDatabases) }`,
  promoteInstance: `mutation PromoteInstance(${INSTANCE_VARS}, $from: EnvironmentName!, $to: EnvironmentName!, $force: Boolean) { promoteInstance(${INSTANCE_ARGS}, from: $from, to: $to, force: $force) { ${DEPLOYMENT} } }`,
  rollInstance: `mutation RollInstance(${INSTANCE_VARS}, $environment: EnvironmentName!, $version: String!, $force: Boolean) { rollInstance(${INSTANCE_ARGS}, environment: $environment, version: $version, force: $force) { ${DEPLOYMENT} } }`,
  setRatePlan: `mutation SetRatePlan(${INSTANCE_VARS}, $plan: RatePlanInput!) { setRatePlan(${INSTANCE_ARGS}, plan: $plan) { ${INSTANCE} } }`,
  clientKeys: `query ClientKeys($projectId: ID!) { clientKeys(projectId: $projectId) { ${CLIENT_KEY} } }`,
  addClientKey: `mutation AddClientKey($projectId: ID!, $name: String!) { addClientKey(projectId: $projectId, name: $name) { key clientKey { ${CLIENT_KEY} } } }`,
  removeClientKey: 'mutation RemoveClientKey($projectId: ID!, $id: ID!) { removeClientKey(projectId: $projectId, id: $id) }',
  secrets: `query Secrets(${INSTANCE_VARS}, $environment: EnvironmentName!) { secrets(${INSTANCE_ARGS}, environment: $environment) { ${SECRET} } }`,
  corsOrigins: `query CorsOrigins($projectId: ID!, $serviceId: ID!, $environment: EnvironmentName!) { corsOrigins(projectId: $projectId, serviceId: $serviceId, environment: $environment) }`,
  changeCorsOrigins: `mutation ChangeCorsOrigins($projectId: ID!, $serviceId: ID!, $environment: EnvironmentName!, $add: [String!], $remove: [String!]) { changeCorsOrigins(projectId: $projectId, serviceId: $serviceId, environment: $environment, add: $add, remove: $remove) }`,
  addSecret: `mutation AddSecret(${INSTANCE_VARS}, $environment: EnvironmentName!, $name: String!, $value: String!) { addSecret(${INSTANCE_ARGS}, environment: $environment, name: $name, value: $value) { ${SECRET} } }`,
  removeSecret: `mutation RemoveSecret(${INSTANCE_VARS}, $environment: EnvironmentName!, $name: String!) { removeSecret(${INSTANCE_ARGS}, environment: $environment, name: $name) }`,
  usage: `query Usage(${INSTANCE_VARS}, $month: String) { usage(${INSTANCE_ARGS}, month: $month) { projectId serviceId month production development staging byPlan { calls plan { ${RATE_PLAN} } } refused { environment reason calls } } }`,
  invoice: `query Invoice($projectId: ID!, $month: String) { invoice(projectId: $projectId, month: $month) { projectId month lines { serviceId serviceName calls billedCalls total plan { ${RATE_PLAN} } } totals { amount currency } } }`,
  schemaCheck: `query SchemaCheck($serviceId: ID!, $schema: String!, $projectId: ID, $environment: EnvironmentName, $days: Int) { schemaCheck(serviceId: $serviceId, schema: $schema, projectId: $projectId, environment: $environment, days: $days) { environment projectId servedVersion days breaking changes { ${SCHEMA_CHANGE} } } }`,
  schemaUsage: `query SchemaUsage($serviceId: ID!, $days: Int) { schemaUsage(serviceId: $serviceId, days: $days) { environment projectId servedVersion schema days coordinates { coordinate calls clients operations } operations { name hash client calls coordinates } } }`,
  organizations: 'query Organizations { organizations { organization { id name createdAt } role joinedAt own } }',
  members: 'query Members { members { email role joinedAt } }',
  activity: 'query Activity($limit: Int) { activity(limit: $limit) { id at actor action target details } }',
  inviteMember:
    'mutation InviteMember($email: String!, $role: MemberRole) { inviteMember(email: $email, role: $role) { code email role expiresAt } }',
  joinOrganization:
    'mutation JoinOrganization($code: String!) { joinOrganization(code: $code) { organization { id name createdAt } role joinedAt own } }',
  setMemberRole:
    'mutation SetMemberRole($email: String!, $role: MemberRole!) { setMemberRole(email: $email, role: $role) { email role joinedAt } }',
  removeMember: 'mutation RemoveMember($email: String!) { removeMember(email: $email) }',
  leaveOrganization: 'mutation LeaveOrganization { leaveOrganization }',
  rotateDeveloperKey: `mutation RotateDeveloperKey($serviceId: ID!) { rotateDeveloperKey(serviceId: $serviceId) { developerKey service { ${SERVICE_FIELDS} } } }`,
  changePassword:
    'mutation ChangePassword($currentPassword: String!, $newPassword: String!) { changePassword(currentPassword: $currentPassword, newPassword: $newPassword) }',
  logoutEverywhere: 'mutation LogoutEverywhere { logoutEverywhere }',
} as const;
