// Who is asking. Every service method takes an Actor and decides access itself, so a route
// that forgets a check cannot leak: the service would refuse.
export interface UserIdentity {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
}

export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; user: UserIdentity; via: 'session' | 'api-token' }
  | { kind: 'reporter'; caseId: string };

export const ANONYMOUS: Actor = { kind: 'anonymous' };
