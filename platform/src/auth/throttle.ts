// Throttled logins and sign-ups: a password guesser, or anyone spending the platform's CPU on
// scrypt, is slowed down per account and per client address before any password is checked.
// In memory: a restart forgets, which costs an attacker a restart they cannot cause.

export interface ThrottleOptions {
  /** Milliseconds since the epoch; injectable so tests need not wait. */
  now?: () => number;
  /** Failures are remembered this long. Default 15 minutes. */
  windowMs?: number;
  /** Failed logins per account within the window before attempts must wait. Default 5. */
  accountFailures?: number;
  /** Failed logins per client address within the window before attempts must wait. Default 20. */
  addressFailures?: number;
  /** The first wait; each further failure doubles it. Default 1 s. */
  baseDelayMs?: number;
  /** The longest wait. Default 5 minutes. */
  maxDelayMs?: number;
  /** Sign-ups per client address within `signupWindowMs`. Default 20 an hour. */
  signups?: number;
  signupWindowMs?: number;
}

/** Remembered keys at most (accounts and addresses): past it the oldest are forgotten. */
const MAX_KEYS = 100_000;

export class LoginThrottle {
  readonly now: () => number;
  private readonly windowMs: number;
  private readonly accountFailures: number;
  private readonly addressFailures: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly signupLimit: number;
  private readonly signupWindowMs: number;
  /** Failure times (oldest first) by `account:<email>` / `address:<ip>`; sign-up times by `signup:<ip>`. */
  private readonly events = new Map<string, number[]>();

  constructor(options: ThrottleOptions = {}) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? 15 * 60_000;
    this.accountFailures = options.accountFailures ?? 5;
    this.addressFailures = options.addressFailures ?? 20;
    this.baseDelayMs = options.baseDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.signupLimit = options.signups ?? 20;
    this.signupWindowMs = options.signupWindowMs ?? 60 * 60_000;
  }

  private recent(key: string, windowMs: number): number[] {
    const times = this.events.get(key);
    if (!times) return [];
    const since = this.now() - windowMs;
    while (times.length && times[0] <= since) times.shift();
    if (!times.length) this.events.delete(key);
    return times;
  }

  private add(key: string, keep: number): void {
    let times = this.events.get(key);
    if (!times) {
      if (this.events.size >= MAX_KEYS) this.events.delete(this.events.keys().next().value as string);
      this.events.set(key, (times = []));
    }
    times.push(this.now());
    // Only the newest matter for the wait; the count past `keep` changes nothing but the cap.
    if (times.length > keep) times.splice(0, times.length - keep);
  }

  private wait(key: string, free: number): number {
    const times = this.recent(key, this.windowMs);
    if (times.length < free) return 0;
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (times.length - free));
    return Math.max(0, times[times.length - 1] + delay - this.now());
  }

  /** How long (ms) a login for `email` from `address` must wait first; 0 when it may go ahead. */
  loginWait(email: string, address: string | undefined): number {
    return Math.max(
      this.wait(`account:${email}`, this.accountFailures),
      address ? this.wait(`address:${address}`, this.addressFailures) : 0,
    );
  }

  /** A login failed (a wrong password, or no such account: the same to a guesser). */
  failed(email: string, address: string | undefined): void {
    this.add(`account:${email}`, this.accountFailures + 32);
    if (address) this.add(`address:${address}`, this.addressFailures + 32);
  }

  /** A login succeeded: the account's failures are forgiven (the address's are not). */
  succeeded(email: string): void {
    this.events.delete(`account:${email}`);
  }

  /** How long (ms) a sign-up from `address` must wait; 0 when it may go ahead (and it is counted). */
  signup(address: string | undefined): number {
    if (!address) return 0;
    const key = `signup:${address}`;
    const times = this.recent(key, this.signupWindowMs);
    if (times.length >= this.signupLimit) return Math.max(1, times[0] + this.signupWindowMs - this.now());
    this.add(key, this.signupLimit);
    return 0;
  }
}
