// The explorer's trees built from the platform's answers (client/src/views/nodes.ts): what each item
// says, its icon, the context value its menus test, and the ids VS Code keeps expansion by.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amountDue, anySettling, projectNodes, ratePlanNodes, serviceNodes, TreeNode } from '../../client/src/views/nodes';
import { blogService, instance, invoice, plan, shopProject, usage } from './extension-fixtures';

const URL = 'http://127.0.0.1:4000';
const byLabel = (nodes: TreeNode[] | undefined, label: string) => {
  const found = nodes?.find((n) => n.label === label);
  assert.ok(found, `no node "${label}" in ${nodes?.map((n) => n.label).join(', ')}`);
  return found;
};

describe('extension: Services tree', () => {
  it('shows each service with its private and demo environments and a Versions node', () => {
    const [blog] = serviceNodes([blogService('DEPLOYED')], URL, new Set(['blog-k3x9q2']));
    assert.equal(blog.label, 'blog');
    assert.equal(blog.contextValue, 'service');
    assert.equal(blog.description, 'blog-k3x9q2 · in workspace');
    assert.deepEqual(blog.ref, { kind: 'service', serviceId: 'blog-k3x9q2', serviceName: 'blog' });
    assert.deepEqual(
      blog.children?.map((n) => n.label),
      ['private', 'demo', 'Versions'],
    );
    const priv = byLabel(blog.children, 'private');
    assert.equal(priv.id, 'service/blog-k3x9q2/env/private');
    assert.equal(priv.contextValue, 'serviceEnvironment:private');
    assert.equal(priv.description, '0.0.3 DEPLOYED');
    assert.deepEqual(priv.icon, { id: 'check', color: 'testing.iconPassed' });
    assert.match(priv.tooltip!, /Endpoint: http:\/\/127\.0\.0\.1:4000\/s\/ep_private\/graphql/);
    assert.deepEqual(priv.ref, {
      kind: 'serviceEnvironment',
      serviceId: 'blog-k3x9q2',
      serviceName: 'blog',
      environment: 'private',
      path: '/s/ep_private/graphql',
    });
    const versions = byLabel(blog.children, 'Versions');
    assert.equal(versions.description, '3, newest 0.0.3');
    assert.deepEqual(
      versions.children?.map((v) => v.label),
      ['0.0.3', '0.0.2', '0.0.1'],
    );
    assert.match(byLabel(versions.children, '0.0.3').description!, /^serving private · 2024-05-03 12:00 · notes of 0.0.3$/);
    assert.match(byLabel(versions.children, '0.0.1').description!, /^serving demo/);
    assert.equal(byLabel(versions.children, '0.0.2').description, '2024-05-02 12:00');
  });

  it('spins while a deployment is in progress and says why one failed', () => {
    const [busy] = serviceNodes([blogService('DEPLOYMENT_IN_PROGRESS')], URL);
    assert.equal(busy.icon?.id, 'sync~spin');
    assert.equal(busy.description, 'blog-k3x9q2');
    assert.equal(byLabel(busy.children, 'private').icon?.id, 'sync~spin');
    const [failed] = serviceNodes([blogService('DEPLOYMENT_FAILED')], URL);
    const priv = byLabel(failed.children, 'private');
    assert.deepEqual(priv.icon, { id: 'error', color: 'testing.iconFailed' });
    assert.equal(priv.description, '0.0.3 FAILED, 0.0.2 serving — migrate: relation "Post" exists');
    assert.match(priv.tooltip!, /Error: migrate: relation "Post" exists\n {2}at x/);
    assert.equal(failed.icon?.id, 'server-process');
  });

  it('has a Versions node that says to push when there are none', () => {
    const service = { ...blogService(), versions: [], environments: [] };
    const [node] = serviceNodes([service], URL);
    const versions = byLabel(node.children, 'Versions');
    assert.equal(versions.collapsible, 'none');
    assert.equal(versions.description, 'none yet: push the service');
  });
});

describe('extension: Projects tree', () => {
  it('shows each project → its instances (with the rate plan) → development, staging, production', () => {
    const [shop] = projectNodes(
      [shopProject(), { id: 'empty-x', name: 'empty', createdAt: '2024-05-01T00:00:00.000Z', instances: [] }],
      URL,
    );
    assert.equal(shop.contextValue, 'project');
    assert.equal(shop.description, 'shop-a1b2c3 · 1 service');
    const blog = byLabel(shop.children, 'blog');
    assert.equal(blog.contextValue, 'serviceInstance');
    assert.equal(blog.description, 'blog-k3x9q2 · Pay per call 0.05 EUR (100 free a month)');
    assert.deepEqual(
      blog.children?.map((e) => [e.label, e.contextValue, e.description]),
      [
        ['development', 'instanceEnvironment:development', '0.0.1 DEPLOYED'],
        ['staging', 'instanceEnvironment:staging', 'not deployed'],
        ['production', 'instanceEnvironment:production', 'not deployed'],
      ],
    );
    assert.deepEqual(byLabel(blog.children, 'staging').ref, {
      kind: 'instanceEnvironment',
      projectId: 'shop-a1b2c3',
      projectName: 'shop',
      serviceId: 'blog-k3x9q2',
      serviceName: 'blog',
      environment: 'staging',
      path: '/s/ep_staging/graphql',
    });
    const [, empty] = projectNodes(
      [shopProject(), { id: 'empty-x', name: 'empty', createdAt: '2024-05-01T00:00:00.000Z', instances: [] }],
      URL,
    );
    assert.equal(empty.children?.[0].contextValue, 'message');
  });
});

describe('extension: Rate plans tree', () => {
  it("shows each instance's plan, this month's calls and the amount due, from usage and invoice", () => {
    const billing = new Map([
      [
        'shop-a1b2c3',
        {
          invoice: invoice('shop-a1b2c3', 'blog-k3x9q2', 1234, 1134, 5670),
          usage: { 'blog-k3x9q2': usage('shop-a1b2c3', 'blog-k3x9q2', 1234) },
        },
      ],
    ]);
    const [shop] = ratePlanNodes([shopProject()], billing);
    assert.equal(shop.description, '2024-05: 56.70 EUR due');
    const blog = byLabel(shop.children, 'blog');
    assert.equal(blog.contextValue, 'ratePlanInstance');
    assert.equal(blog.description, 'Pay per call 0.05 EUR (100 free a month) · 1,234 calls · 56.70 EUR due');
    assert.deepEqual(blog.ref, {
      kind: 'instance',
      projectId: 'shop-a1b2c3',
      projectName: 'shop',
      serviceId: 'blog-k3x9q2',
      serviceName: 'blog',
    });
    assert.deepEqual(
      blog.children?.map((n) => [n.label, n.description]),
      [
        ['1,234 production calls', '2024-05 · staging 3 · development 12'],
        ['Amount due: 56.70 EUR', '1,134 billed calls'],
      ],
    );
    assert.match(blog.tooltip!, /History \(UTC\):/);
  });

  it('leaves out projects without instances and says when billing could not be read', () => {
    const empty = { ...shopProject(), id: 'e', instances: [] };
    const nodes = ratePlanNodes([empty, shopProject()], new Map([['shop-a1b2c3', { usage: {}, error: 'NOT_FOUND' }]]));
    assert.equal(nodes.length, 1);
    assert.equal(nodes[0].description, 'billing unavailable');
    assert.equal(nodes[0].children?.[0].children?.[0].label, 'Billing unavailable');
  });

  it("adds up an instance's invoice lines per currency", () => {
    const inv = invoice('p', 's', 10, 10, 50);
    inv.lines.push(
      { ...inv.lines[0], total: 25 },
      { ...inv.lines[0], serviceId: 'other', total: 1000 },
      { ...inv.lines[0], plan: plan('MONTHLY', 500, 0, 'USD'), total: 500 },
    );
    assert.equal(amountDue(inv, 's'), '0.75 EUR + 5.00 USD');
    assert.equal(amountDue(undefined, 's'), undefined);
  });
});

describe('extension: polling', () => {
  it('is needed while any environment of a service or an instance has a deployment that has not settled', () => {
    assert.equal(anySettling([blogService('DEPLOYED')], [shopProject()]), false);
    assert.equal(anySettling([blogService('DEPLOYMENT_IN_PROGRESS')], []), true);
    const project = shopProject();
    project.instances = [instance(project.id, { id: 's', name: 's' }, plan('NOT_BILLABLE'), 'DEPLOYMENT_INITIALIZED')];
    assert.equal(anySettling([], [project]), true);
  });
});
