// The GraphQL documents the client sends. test/platform checks each against the platform's schema.

const VERSION = 'id version releaseNotes schemaHash createdAt';
const DEPLOYMENT = `id environment status error createdAt finishedAt version { ${VERSION} }`;

/** Everything a services tree shows, so one `services` query fills it. */
export const SERVICE_FIELDS = `
  id name createdAt
  environments {
    name endpointId path status
    currentVersion { ${VERSION} }
    latestDeployment { ${DEPLOYMENT} }
  }
  versions { ${VERSION} }
`;

const SESSION_FIELDS = 'token account { id email createdAt } organization { id name createdAt }';

export const OPERATIONS = {
  signup: `mutation Signup($email: String!, $password: String!) { signup(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
  login: `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${SESSION_FIELDS} } }`,
  logout: 'mutation Logout { logout }',
  whoami: 'query Viewer { viewer { account { id email createdAt } organization { id name createdAt } } }',
  createService: `mutation CreateService($name: String!) { createService(name: $name) { developerKey service { ${SERVICE_FIELDS} } } }`,
  listServices: `query Services { services { ${SERVICE_FIELDS} } }`,
  serviceInfo: `query Service($id: ID!) { service(id: $id) { ${SERVICE_FIELDS} } }`,
  removeService: 'mutation RemoveService($id: ID!) { removeService(id: $id) }',
  deployment: `query Deployment($id: ID!) { deployment(id: $id) { ${DEPLOYMENT} } }`,
  logs: `query Logs($serviceId: ID!, $environment: EnvironmentName!, $after: ID, $limit: Int) { logs(serviceId: $serviceId, environment: $environment, after: $after, limit: $limit) { cursor lines { id at deploymentId stream message } } }`,
  promote: `mutation Promote($serviceId: ID!) { promote(serviceId: $serviceId) { ${DEPLOYMENT} } }`,
} as const;
