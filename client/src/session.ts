// The user's session with a platform: its URL (the `codestore.platform.url` setting), the bearer
// token (SecretStorage, one per URL), the developer and client keys the extension was shown, and
// the PlatformClient that carries the token. The client module (axios) loads on first use, not at
// activation.
import * as vscode from 'vscode';
import type { PlatformClient, PlatformHints } from '../../apiclient/src/client';
import type { Session } from '../../apiclient/src/types';

/** The api client's DEFAULT_PLATFORM_URL (kept here too, so that activation does not load axios). */
export const DEFAULT_PLATFORM_URL = 'http://127.0.0.1:4000';
export const PLATFORM_URL_SETTING = 'platform.url';

/** How the client's messages tell the user to fix things, in this extension's terms. */
const HINTS: PlatformHints = {
  login: 'run "code.store: Log In" (or "Sign Up")',
  relogin: 'log in again with "code.store: Log In"',
  start: 'start it with "code.store: Start Local Platform", or choose another with "code.store: Choose Platform URL"',
};

type ClientModule = typeof import('../../apiclient/src/client');
let clientModule: Promise<ClientModule> | undefined;
/** The api client module, loaded once, on first use. */
export function loadClientModule(): Promise<ClientModule> {
  clientModule ??= import(/* webpackChunkName: "api" */ '../../apiclient/src/client');
  return clientModule;
}

export class PlatformSession implements vscode.Disposable {
  private cached: { url: string; token: string | undefined; organization: string | undefined; client: PlatformClient } | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The URL or the login changed: what was read from the platform is stale. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`codestore.${PLATFORM_URL_SETTING}`)) {
          this.cached = undefined;
          this.changed.fire();
        }
      }),
    );
    this.subscriptions.push(
      secrets.onDidChange((e) => {
        // Another window logged in or out.
        if (e.key.startsWith('codestore.token:')) {
          this.cached = undefined;
          this.changed.fire();
        }
      }),
    );
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }

  /** The URL as configured, not yet checked. */
  configuredUrl(): string {
    return vscode.workspace.getConfiguration('codestore').get<string>(PLATFORM_URL_SETTING)?.trim() || DEFAULT_PLATFORM_URL;
  }

  /** The configured URL, normalized (a PlatformError BAD_USER_INPUT when it is not a URL). */
  async url(): Promise<string> {
    return (await loadClientModule()).normalizeUrl(this.configuredUrl());
  }

  /** A client for the configured platform, carrying the stored token when there is one. */
  async client(): Promise<PlatformClient> {
    const { PlatformClient: Client, normalizeUrl } = await loadClientModule();
    const url = normalizeUrl(this.configuredUrl());
    const token = await this.secrets.get(tokenKey(url));
    const organization = this.organization(url)?.id;
    if (this.cached?.url === url && this.cached.token === token && this.cached.organization === organization) return this.cached.client;
    const client = new Client({ url, token, hints: HINTS, organization });
    this.cached = { url, token, organization, client };
    return client;
  }

  /** The organization requests act in on this platform (undefined: the account's own). */
  organization(url: string): { id: string; name: string } | undefined {
    return this.state.get<{ id: string; name: string }>(`codestore.organization:${url}`);
  }

  /** Makes requests act in `organization` (undefined: the account's own); the views follow. */
  async switchOrganization(organization: { id: string; name: string } | undefined): Promise<void> {
    await this.state.update(`codestore.organization:${await this.url()}`, organization);
    this.changed.fire();
  }

  /** Logs in (or signs up) and keeps the token. */
  async login(email: string, password: string, signup = false): Promise<Session> {
    const client = await this.client();
    const session = signup ? await client.signup(email, password) : await client.login(email, password);
    await this.secrets.store(tokenKey(client.url), session.token);
    await this.state.update(accountKey(client.url), session.account.email);
    this.cached = undefined;
    this.changed.fire();
    return session;
  }

  /** Revokes the token on the platform (when it can) and forgets it here; the error, if revoking failed. */
  async logout(): Promise<Error | undefined> {
    const client = await this.client();
    let failure: Error | undefined;
    if (client.token) {
      try {
        await client.logout();
      } catch (e) {
        // A token the platform no longer takes is as good as revoked.
        if (!(e as { needsLogin?: boolean }).needsLogin) failure = e as Error;
      }
    }
    await this.secrets.delete(tokenKey(client.url));
    await this.state.update(accountKey(client.url), undefined);
    this.cached = undefined;
    this.changed.fire();
    return failure;
  }

  /** The email of the login on the configured platform, as it was when logging in. */
  accountEmail(url: string): string | undefined {
    return this.state.get<string>(accountKey(url));
  }

  /** The developer key of a service (shown by the platform only when the service was created). */
  async developerKey(serviceId: string): Promise<string | undefined> {
    return this.secrets.get(`codestore.developerKey:${await this.url()}:${serviceId}`);
  }

  async setDeveloperKey(serviceId: string, key: string): Promise<void> {
    await this.secrets.store(`codestore.developerKey:${await this.url()}:${serviceId}`, key);
  }

  async forgetDeveloperKey(serviceId: string): Promise<void> {
    await this.secrets.delete(`codestore.developerKey:${await this.url()}:${serviceId}`);
  }

  async forgetClientKey(projectId: string): Promise<void> {
    await this.secrets.delete(`codestore.clientKey:${await this.url()}:${projectId}`);
  }

  /** A client key of a project, for its production endpoints. */
  async clientKey(projectId: string): Promise<string | undefined> {
    return this.secrets.get(`codestore.clientKey:${await this.url()}:${projectId}`);
  }

  async setClientKey(projectId: string, key: string): Promise<void> {
    await this.secrets.store(`codestore.clientKey:${await this.url()}:${projectId}`, key);
  }
}

function tokenKey(url: string): string {
  return `codestore.token:${url}`;
}

function accountKey(url: string): string {
  return `codestore.account:${url}`;
}
