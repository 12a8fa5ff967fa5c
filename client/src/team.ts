// The current organization as a team, beside the PlatformModel: which organization requests act in
// and the caller's role there (read whenever logged in: the status bar and the menus need them), its
// members and its activity feed (read only while their views are shown). No `vscode` here.
import type { PlatformClient } from '../../apiclient/src/client';
import { PlatformError } from '../../apiclient/src/errors';
import type { ActivityEntry, Invitation, Member, MemberRole, Organization } from '../../apiclient/src/types';

/** How many activity entries a view asks for first, and the most the platform gives. */
export const ACTIVITY_PAGE = 50;
export const ACTIVITY_MAX = 500;

export interface TeamState {
  /** The organization requests act in; undefined until read, or when not logged in. */
  organization?: Organization;
  /** The caller's role in it. */
  role?: MemberRole;
  /** The caller's email. */
  email?: string;
  /** Undefined until read (they are read while wanted). */
  members?: Member[];
  activity?: ActivityEntry[];
  /** How many activity entries are asked for. */
  activityLimit: number;
  /** Invitations made from this window in this organization, not yet used: the platform shows a code once. */
  invitations: Invitation[];
  /** Why the last read failed, in the client's words. */
  error?: string;
  /** The platform says the account is not a member of the organization requests name (removed, or it is gone). */
  notAMember?: boolean;
}

export interface TeamOptions {
  /** A client for the configured platform, with the stored token and organization. */
  client(): Promise<PlatformClient>;
}

/** Admins and owners invite and remove members. */
export function canManageMembers(role: MemberRole | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

/** Only owners change roles. */
export function canChangeRoles(role: MemberRole | undefined): boolean {
  return role === 'owner';
}

/** The roles an invitation can give: an owner is made by changing a member's role. */
export const INVITABLE_ROLES: readonly ('developer' | 'admin')[] = ['developer', 'admin'];

/** The roles a member can be given instead of the one it has. */
export function otherRoles(current: MemberRole): MemberRole[] {
  return (['owner', 'admin', 'developer'] as const).filter((r) => r !== current);
}

/** The next, larger activity page: 50 → 200 → 500 (the platform's most). */
export function nextActivityLimit(limit: number): number {
  return limit < 200 ? 200 : ACTIVITY_MAX;
}

/** A role with its article: "an admin", "a developer". */
export function withArticle(role: MemberRole): string {
  return role === 'developer' ? `a ${role}` : `an ${role}`;
}

/** Invitations still worth showing: not used (the email is a member now), not expired. */
export function openInvitations(invitations: readonly Invitation[], members: readonly Member[] | undefined, now: Date): Invitation[] {
  const joined = new Set((members ?? []).map((m) => m.email.toLowerCase()));
  return invitations.filter((i) => !joined.has(i.email.toLowerCase()) && Date.parse(i.expiresAt) > now.getTime());
}

const EMPTY = (): TeamState => ({ activityLimit: ACTIVITY_PAGE, invitations: [] });

export class TeamModel {
  private current: TeamState = EMPTY();
  private readonly listeners = new Set<(state: TeamState) => void>();
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Bumped by reset: a load that began before it is not applied. */
  private generation = 0;
  /** Invitations made here, by organization id (switching away and back keeps them). */
  private readonly invitationsByOrganization = new Map<string, Invitation[]>();
  private membersWanted = false;
  private activityWanted = false;
  private disposed = false;

  constructor(private readonly options: TeamOptions) {}

  get state(): TeamState {
    return this.current;
  }

  onDidChange(listener: (state: TeamState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Members are read while wanted (the Members view is visible); wanting them reads them if missing. */
  set wantMembers(wanted: boolean) {
    const was = this.membersWanted;
    this.membersWanted = wanted;
    if (wanted && !was && !this.current.members) void this.refresh();
  }

  get wantMembers(): boolean {
    return this.membersWanted;
  }

  set wantActivity(wanted: boolean) {
    const was = this.activityWanted;
    this.activityWanted = wanted;
    if (wanted && !was && !this.current.activity) void this.refresh();
  }

  get wantActivity(): boolean {
    return this.activityWanted;
  }

  /** Whether anything beyond the organization and role is wanted (a view shows). */
  get wantsLists(): boolean {
    return this.membersWanted || this.activityWanted;
  }

  /** Reads again; calls while a load runs share one more load after it. */
  refresh(): Promise<void> {
    if (!this.running) {
      this.running = this.load().finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    this.queued ??= this.running.then(() => {
      this.queued = undefined;
      return this.refresh();
    });
    return this.queued;
  }

  /** Forgets what was read (another organization, a login or logout) and reads again. */
  reset(): Promise<void> {
    this.generation++;
    this.current = EMPTY();
    this.emit();
    // A load still running answers for the old organization: read again after it.
    return this.running ? this.running.then(() => this.refresh()) : this.refresh();
  }

  /** Asks for more of the activity feed (up to the platform's most) and reads it. */
  showMoreActivity(): Promise<void> {
    this.current = { ...this.current, activityLimit: nextActivityLimit(this.current.activityLimit) };
    return this.refresh();
  }

  /** Keeps an invitation's one-time code for the Members view until it is used or expires. */
  addInvitation(invitation: Invitation): void {
    const organizationId = this.current.organization?.id;
    if (!organizationId) return;
    const kept = (this.invitationsByOrganization.get(organizationId) ?? []).filter(
      (i) => i.email.toLowerCase() !== invitation.email.toLowerCase(),
    );
    kept.push(invitation);
    this.invitationsByOrganization.set(organizationId, kept);
    this.set({ ...this.current, invitations: kept });
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }

  private async load(): Promise<void> {
    const generation = this.generation;
    const apply = (state: TeamState) => {
      if (generation === this.generation) this.set(state);
    };
    const limit = this.current.activityLimit;
    let client: PlatformClient;
    try {
      client = await this.options.client();
    } catch (e) {
      apply({ ...EMPTY(), error: (e as Error).message });
      return;
    }
    if (!client.token) {
      apply(EMPTY());
      return;
    }
    try {
      const wantMembers = this.membersWanted;
      const wantActivity = this.activityWanted;
      const [viewer, members, activity] = await Promise.all([
        client.whoami(),
        wantMembers ? client.members() : Promise.resolve(this.current.members),
        wantActivity ? client.activity(limit) : Promise.resolve(this.current.activity),
      ]);
      const now = new Date();
      const kept = openInvitations(this.invitationsByOrganization.get(viewer.organization.id) ?? [], members, now);
      this.invitationsByOrganization.set(viewer.organization.id, kept);
      apply({
        organization: viewer.organization,
        role: viewer.role,
        email: viewer.account.email,
        members,
        activity,
        activityLimit: limit,
        invitations: kept,
      });
    } catch (e) {
      if (e instanceof PlatformError && e.code === 'UNAUTHENTICATED') apply({ ...EMPTY(), error: e.message });
      else if (e instanceof PlatformError && e.code === 'FORBIDDEN' && e.reason === 'NOT_A_MEMBER')
        apply({ ...EMPTY(), error: e.message, notAMember: true });
      // Keep what was shown (the organization may answer again), and say what went wrong.
      else apply({ ...this.current, error: (e as Error).message });
    }
  }

  private set(state: TeamState): void {
    if (this.disposed) return;
    this.current = state;
    this.emit();
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(this.current);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
