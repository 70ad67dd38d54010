// Who can be who in a project. Instance admins manage the instance and see every project;
// maintainers own a project's team and policy; responders triage and talk.
export const PROJECT_ROLES = ['maintainer', 'responder'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export function isProjectRole(v: unknown): v is ProjectRole {
  return typeof v === 'string' && (PROJECT_ROLES as readonly string[]).includes(v);
}
