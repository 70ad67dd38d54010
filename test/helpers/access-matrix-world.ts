// The access matrix's fixture: project P with case A (the target) and case B, a collaborator and a
// party contact invited to B, a responder of another project, P's maintainer, an admin, and private
// resources in P (a draft and a scheduled advisory, a published one, a webhook with a delivery, a
// key pair, a subscriber). Every role gets its credentials: a session cookie and CSRF token for pages,
// a bearer for the API (access-matrix-scope.ts hands out resources per cell).
import crypto from 'node:crypto';
import type { TestApp } from './app.ts';
import { makeCase, makeMember, makeProject, makeUser, PASSWORD } from './factories.ts';
import { advisoryContent, publishedAdvisory } from './advisories.ts';
import { csrfToken } from './page-client.ts';
import { setSessionSecondFactor } from '../../src/storage/repositories/account-security.repository.ts';
import { hashSecret } from '../../src/services/deps.ts';
import { ACCOUNTS, type Canary, type Role } from './access-matrix.ts';

export interface PageCred {
  cookie: string;
  csrf: string;
  /** The session secret (account roles only). */
  session?: string | undefined;
}

const rand = () => crypto.randomBytes(5).toString('hex');
const cookieOf = (res: { cookies: Array<{ name: string; value: string }> }, into: Map<string, string>) => {
  for (const c of res.cookies) into.set(c.name, c.value);
};
const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

/** A browser session (signed in when `email` is given) with a CSRF token for its forms. */
export async function pageSession(t: TestApp, email?: string): Promise<PageCred> {
  const jar = new Map<string, string>();
  const login = await t.app.inject({ url: '/login' });
  cookieOf(login, jar);
  let csrf = csrfToken(login.body)!;
  if (email) {
    const body = new URLSearchParams({ email, password: PASSWORD, next: '/inbox', _csrf: csrf });
    const res = await t.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: header(jar), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
    if (res.statusCode !== 303) throw new Error(`login of ${email} failed: ${res.statusCode}`);
    cookieOf(res, jar);
    const page = await t.app.inject({ url: '/account/tokens', headers: { cookie: header(jar) } });
    cookieOf(page, jar);
    csrf = csrfToken(page.body) ?? csrf;
  }
  return { cookie: header(jar), csrf, session: jar.get(t.app.parley.cookies.sessionName) };
}

export type MatrixWorld = Awaited<ReturnType<typeof buildWorld>>;

export async function buildWorld(t: TestApp) {
  const s = t.services;
  const tag = rand();
  const P = await makeProject(s);
  const other = await makeProject(s);
  const maintainer = await makeMember(s, P.slug, 'maintainer');
  const outsider = await makeMember(s, other.slug, 'responder');
  const admin = await makeUser(s, { admin: true });
  const collaborator = await makeUser(s);
  const party = await makeUser(s);
  const caseA = await makeCase(s, P.slug, {
    title: `Heap overflow canaryA${tag}`,
    description: `A crafted archive writes outside the target. descA${tag}`,
  });
  const caseB = await makeCase(s, P.slug, {
    title: `SSRF in webhook canaryB${tag}`,
    description: `A webhook URL reaches internal hosts. descB${tag}`,
  });
  const m = maintainer.actor;
  await s.collaborators.add(m, { key: caseB.key }, { email: collaborator.email });
  await s.parties.add(m, { key: caseB.key }, { organisation: 'Vendor', contacts: [{ email: party.email }] });
  const draft = await s.advisories.create(m, P.slug, {
    content: advisoryContent({ title: `Draft advisory canaryD${tag}` }),
  });
  const scheduled = await s.advisories.create(m, P.slug, {
    content: advisoryContent({ title: `Scheduled advisory canaryS${tag}` }),
  });
  const due = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 16);
  const sched = await s.publishing.schedule(m, scheduled.uid, { at: due, zone: 'UTC' });
  const published = await publishedAdvisory(s, m, P.slug);
  const csaf = (await t.app.inject({ url: '/.well-known/csaf/white/index.txt' })).body.split('\n')[0]!;
  const hook = await s.webhooks.create(m, P.slug, {
    url: 'https://hooks.example.org/p',
    events: ['report.created'],
  });
  const delivery = await s.webhooks.sendTest(m, P.slug, hook.webhook.id);
  await s.announcements.subscribe(P.slug, `sub-${tag}@example.org`);
  await s.projectKeys.generate(m, P.slug);

  const users = { collaborator, party, outsider, maintainer, admin };
  const pats = {} as Record<Role, string | undefined>;
  const pages = {} as Record<Role, PageCred>;
  for (const r of ACCOUNTS) {
    pats[r] = (await s.auth.createApiToken(users[r as keyof typeof users].email, 'matrix')).token;
    pages[r] = await pageSession(t, users[r as keyof typeof users].email);
  }
  pages.anonymous = pages.reporterA = pages.reporterB = await pageSession(t);
  pats.anonymous = undefined;
  pats.reporterA = caseA.accessToken;
  pats.reporterB = caseB.accessToken;
  // The outsider owns a passkey, and its session counts as opened with one (as after signing in with it).
  await setSessionSecondFactor(t.tdb.handle.db, hashSecret(pages.outsider.session!), 'passkey');

  const everyone: Role[] = ['anonymous', 'reporterA', 'reporterB', ...ACCOUNTS];
  const team: Role[] = ['maintainer', 'admin'];
  const canaries: Canary[] = [
    { text: `canaryA${tag}`, what: 'title of case A', entitled: [...team, 'reporterA'] },
    { text: `descA${tag}`, what: 'description of case A', entitled: [...team, 'reporterA'] },
    {
      text: `canaryB${tag}`,
      what: 'title of case B',
      entitled: [...team, 'reporterB', 'collaborator', 'party'],
    },
    { text: `canaryD${tag}`, what: 'title of the draft advisory', entitled: team },
    { text: `canaryS${tag}`, what: 'title of the scheduled advisory', entitled: team },
  ];
  return {
    t,
    tag,
    P,
    other,
    users,
    caseA,
    caseB,
    draft,
    scheduledId: sched.id ?? sched.uid,
    published,
    csaf,
    hook: hook.webhook.id,
    delivery: delivery.id,
    pats,
    pages,
    everyone,
    canaries,
  };
}

/** An unknown but well-formed value for a secret in a link. */
export const unknownToken = () => crypto.randomBytes(24).toString('base64url');
