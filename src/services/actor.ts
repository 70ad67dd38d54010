// Who is asking. Every service method takes an Actor and decides access itself, so a route
// that forgets a check cannot leak: the service would refuse.
import type { TokenScope } from '../domain/token-scopes.ts';

export interface UserIdentity {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /**
   * The account has a second factor (TOTP or a passkey) and, for a browser session, the session was
   * opened with it. Projects that require 2FA refuse members without it (access.ts). Absent: false.
   */
  hasSecondFactor?: boolean;
}

export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: UserIdentity; via: 'session' }
  /** A personal API token carries the scopes it was given (domain/token-scopes.ts). */
  | { kind: 'user'; user: UserIdentity; via: 'api-token'; scopes: readonly TokenScope[] }
  | { kind: 'reporter'; caseId: string };

export const ANONYMOUS: Actor = { kind: 'anonymous' };
