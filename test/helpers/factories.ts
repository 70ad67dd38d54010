// Builders for test data through the real services, so tests exercise the same paths as users.
import type { Services } from '../../src/services/index.ts';
import type { Actor } from '../../src/services/actor.ts';
import type { ProjectRole } from '../../src/domain/roles.ts';

let seq = 0;
const next = () => `${Date.now().toString(36)}${(seq++).toString(36)}`;

export const PASSWORD = 'correct horse battery staple';

export function reportInput(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Path traversal in archive extraction',
    description: 'Extracting a crafted tarball writes files outside the target directory.',
    stepsToReproduce: '1. Create a tar with ../../etc/passwd\n2. Extract it with the library',
    impact: 'Arbitrary file write as the service user.',
    affectedVersions: '>= 1.2.0, < 1.4.3',
    suggestedFix: 'Reject entries whose cleaned path leaves the target.',
    reporterEmail: 'researcher@example.org',
    creditPreference: 'handle',
    creditName: '@finder',
    ...overrides,
  };
}

export async function makeUser(
  services: Services,
  opts: { admin?: boolean; email?: string; name?: string } = {},
) {
  const email = opts.email ?? `user-${next()}@example.com`;
  const user = await services.auth.createUser(
    { email, name: opts.name ?? email.split('@')[0], password: PASSWORD },
    { admin: !!opts.admin },
  );
  const actor: Actor = { kind: 'user', user, via: 'session' };
  return { user, actor, email };
}

export async function makeProject(
  services: Services,
  overrides: { slug?: string; name?: string; key?: string } = {},
) {
  // The sequence number comes first: a project's key is derived from the first ten letters and digits
  // of its slug, and projects made within the same second must not derive the same key (two
  // concurrent creations would race for it and one would be refused).
  const slug = overrides.slug ?? `p${(seq++).toString(36)}-${next()}`;
  return services.projects.create('system', {
    slug,
    name: overrides.name ?? `Project ${slug}`,
    key: overrides.key,
  });
}

export async function makeMember(services: Services, slug: string, role: ProjectRole) {
  const u = await makeUser(services);
  await services.projects.addMemberAsSystem(slug, u.email, role);
  return u;
}

export async function makeCase(services: Services, slug: string, overrides: Record<string, unknown> = {}) {
  const r = await services.cases.submitReport(slug, reportInput(overrides), 'api');
  const reporter: Actor = { kind: 'reporter', caseId: r.id };
  return { ...r, reporter };
}

/** An instance with one project, its team, a second project's responder, an admin and two cases. */
export async function makeWorld(services: Services) {
  const project = await makeProject(services);
  const other = await makeProject(services);
  const maintainer = await makeMember(services, project.slug, 'maintainer');
  const responder = await makeMember(services, project.slug, 'responder');
  const outsider = await makeMember(services, other.slug, 'responder');
  const admin = await makeUser(services, { admin: true });
  const caseA = await makeCase(services, project.slug);
  const caseB = await makeCase(services, project.slug, {
    title: 'Second report: SSRF in webhook',
    reporterEmail: 'b@example.net',
  });
  return { project, other, maintainer, responder, outsider, admin, caseA, caseB };
}
