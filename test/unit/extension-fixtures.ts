// Platform answers as the extension's tests need them: services, projects, usage and invoices.
import type {
  Deployment,
  DeploymentStatus,
  Environment,
  EnvironmentName,
  Invoice,
  Project,
  RatePlan,
  Service,
  ServiceInstance,
  Usage,
  Version,
} from '../../apiclient/src/types';

export function version(v: string, n = 1): Version {
  return {
    id: `ver_${v}`,
    version: v,
    releaseNotes: n % 2 ? `notes of ${v}\nmore` : null,
    schemaHash: 'abcdef0123456789',
    createdAt: `2024-05-0${n}T12:00:00.000Z`,
  };
}

export function deployment(env: EnvironmentName, status: DeploymentStatus, v: Version, error: string | null = null): Deployment {
  return {
    id: `dep_${env}_${v.version}_${status}`,
    environment: env,
    status,
    version: v,
    error,
    createdAt: '2024-05-03T10:00:00.000Z',
    finishedAt: null,
  };
}

export function environment(name: EnvironmentName, serving: Version | null, latest: Deployment | null): Environment {
  return {
    name,
    endpointId: `ep_${name}`,
    path: `/s/ep_${name}/graphql`,
    status: latest?.status ?? null,
    currentVersion: serving,
    latestDeployment: latest,
    idle: false,
  };
}

/** blog: private serves 0.0.2, 0.0.3 deploying; demo serves 0.0.1. */
export function blogService(privateStatus: DeploymentStatus = 'DEPLOYMENT_IN_PROGRESS'): Service {
  const [v1, v2, v3] = [version('0.0.1', 1), version('0.0.2', 2), version('0.0.3', 3)];
  return {
    id: 'blog-k3x9q2',
    name: 'blog',
    createdAt: '2024-05-01T09:00:00.000Z',
    environments: [
      environment(
        'private',
        privateStatus === 'DEPLOYED' ? v3 : v2,
        deployment('private', privateStatus, v3, privateStatus === 'DEPLOYMENT_FAILED' ? 'migrate: relation "Post" exists\n  at x' : null),
      ),
      environment('demo', v1, deployment('demo', 'DEPLOYED', v1)),
    ],
    versions: [v3, v2, v1],
  };
}

export function plan(billingType: RatePlan['billingType'], amount = 0, freeCallsPerMonth = 0, currency = 'EUR'): RatePlan {
  return {
    id: `plan_${billingType}_${amount}`,
    billingType,
    amount,
    currency,
    freeCallsPerMonth,
    rateLimit: null,
    quotaPerMonth: null,
    quotaOverage: false,
    effectiveFrom: '2024-05-01T00:00:00.000Z',
  };
}

export function instance(
  projectId: string,
  service: { id: string; name: string },
  ratePlan: RatePlan,
  status: DeploymentStatus = 'DEPLOYED',
): ServiceInstance {
  const v = version('0.0.1');
  return {
    id: `inst_${projectId}_${service.id}`,
    projectId,
    service,
    ratePlan,
    ratePlanHistory: [ratePlan, plan('NOT_BILLABLE')],
    environments: [
      environment('development', v, deployment('development', status, v)),
      environment('staging', null, null),
      environment('production', null, null),
    ],
    createdAt: '2024-05-02T00:00:00.000Z',
  };
}

export function shopProject(): Project {
  return {
    id: 'shop-a1b2c3',
    name: 'shop',
    createdAt: '2024-05-02T00:00:00.000Z',
    instances: [instance('shop-a1b2c3', { id: 'blog-k3x9q2', name: 'blog' }, plan('PAY_PER_CALL', 5, 100))],
  };
}

export function usage(projectId: string, serviceId: string, production: number): Usage {
  return { projectId, serviceId, month: '2024-05', production, development: 12, staging: 3, byPlan: [], refused: [] };
}

export function invoice(projectId: string, serviceId: string, calls: number, billed: number, total: number): Invoice {
  return {
    projectId,
    month: '2024-05',
    lines: [{ serviceId, serviceName: 'blog', plan: plan('PAY_PER_CALL', 5, 100), calls, billedCalls: billed, total }],
    totals: [{ amount: total, currency: 'EUR' }],
  };
}
