// The resources a route's path and body name, for one cell of the access matrix: the fixture's for
// reads, throwaway ones (in a fresh project, made on first use) for writes, so that an allowed write
// — a delete, a publish, a sign-out — changes nothing another cell relies on.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { makeCase, makeMember, makeProject } from './factories.ts';
import { advisoryContent } from './advisories.ts';
import { insertPasskey } from '../../src/storage/repositories/passkey.repository.ts';
import type { Canary, Role } from './access-matrix.ts';
import { pageSession, unknownToken, type MatrixWorld } from './access-matrix-world.ts';

const rand = () => crypto.randomBytes(5).toString('hex');

export class Scope {
  /** Canaries of the throwaway resources made for this scope. */
  readonly canaries: Canary[] = [];
  private memo = new Map<string, Promise<unknown>>();
  private madeCase: { id: string; key: string; accessToken: string } | undefined;
  constructor(
    readonly w: MatrixWorld,
    readonly fresh: boolean,
  ) {}

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    if (!this.memo.has(key)) this.memo.set(key, make());
    return this.memo.get(key) as Promise<T>;
  }
  private get s() {
    return this.w.t.services;
  }
  private get m() {
    return this.w.users.maintainer.actor;
  }

  /** P for reads; for writes a new project with the same maintainer. */
  slug(): Promise<string> {
    if (!this.fresh) return Promise.resolve(this.w.P.slug);
    return this.once('slug', async () => {
      const q = await makeProject(this.s);
      await this.s.projects.addMemberAsSystem(q.slug, this.w.users.maintainer.email, 'maintainer');
      return q.slug;
    });
  }
  case(): Promise<{ id: string; key: string; accessToken: string }> {
    if (!this.fresh) return Promise.resolve(this.w.caseA);
    return this.once('case', async () => {
      const tag = rand();
      const c = await makeCase(this.s, await this.slug(), { title: `Fresh case canaryF${tag}` });
      this.canaries.push({
        text: `canaryF${tag}`,
        what: 'title of the case',
        entitled: ['maintainer', 'admin', 'reporterA'],
      });
      return (this.madeCase = c);
    });
  }
  /** Reporter A holds the token of the scope's case (case A unless a throwaway case was made). */
  reporterAToken(): string {
    return (this.madeCase ?? this.w.caseA).accessToken;
  }
  collaboratorId() {
    return this.once('collaborator', async () => {
      const c = await this.s.collaborators.add(
        this.m,
        { key: (await this.case()).key },
        { email: `c-${rand()}@example.org` },
      );
      return c.id;
    });
  }
  party() {
    return this.once('party', async () => {
      const p = await this.s.parties.add(
        this.m,
        { key: (await this.case()).key },
        { organisation: 'Distro', contacts: [{ email: `p-${rand()}@example.org` }], notify: false },
      );
      return { id: p.id, contactId: p.contacts[0]!.userId };
    });
  }
  webhook(): Promise<string> {
    if (!this.fresh) return Promise.resolve(this.w.hook);
    return this.once('hook', async () => {
      const h = await this.s.webhooks.create(this.m, await this.slug(), {
        url: 'https://hooks.example.org/q',
        events: ['report.created'],
      });
      return h.webhook.id;
    });
  }
  delivery(): Promise<string> {
    if (!this.fresh) return Promise.resolve(this.w.delivery);
    return this.once(
      'delivery',
      async () => (await this.s.webhooks.sendTest(this.m, await this.slug(), await this.webhook())).id,
    );
  }
  /** A draft advisory's uid. */
  draft(): Promise<string> {
    if (!this.fresh) return Promise.resolve(this.w.draft.uid);
    return this.once('draft', async () => {
      const tag = rand();
      const d = await this.s.advisories.create(this.m, await this.slug(), {
        content: advisoryContent({ title: `Fresh draft canaryG${tag}` }),
      });
      this.canaries.push({
        text: `canaryG${tag}`,
        what: 'title of the draft',
        entitled: ['maintainer', 'admin'],
      });
      return d.uid;
    });
  }
  /** The scope's project gets a key pair (to be removed). */
  pgpKey() {
    return this.once('pgp', async () => this.s.projectKeys.generate(this.m, await this.slug()));
  }
  /** The scope's project gets a policy with a response checklist, before its case is made. */
  checklistPolicy() {
    return this.once('policy', async () =>
      this.s.policies.save(this.m, await this.slug(), {
        source: fs.readFileSync('examples/policies/kubernetes-controller.yaml', 'utf8'),
      }),
    );
  }
  /** A member of the scope's project other than the maintainer (to be removed). */
  memberId() {
    return this.once(
      'member',
      async () => (await makeMember(this.s, await this.slug(), 'responder')).user.id,
    );
  }
  subscriberId() {
    return this.once('subscriber', async () => {
      const slug = await this.slug();
      await this.s.announcements.subscribe(slug, `s-${rand()}@example.org`);
      return (await this.s.announcements.listSubscribers(this.m, slug)).items[0]!.id;
    });
  }
  /** A personal token of the maintainer (for revoking). */
  tokenId() {
    return this.once(
      'token',
      async () => (await this.s.auth.createApiToken(this.w.users.maintainer.email, 'throwaway')).id,
    );
  }
  /** Another session of the maintainer (for revoking), by its handle. */
  sessionHandle() {
    return this.once('session', async () => {
      const mine = this.w.pages.maintainer.session!;
      await pageSession(this.w.t, this.w.users.maintainer.email);
      const list = await this.s.sessions.list(this.m, mine);
      return list.find((x) => !x.current)!.handle;
    });
  }
  /** A passkey of the outsider (whose session was opened with one). */
  passkeyId() {
    return this.once('passkey', async () => {
      const id = `pk-${rand()}`;
      await insertPasskey(this.w.t.tdb.handle.db, {
        id,
        user_id: this.w.users.outsider.user.id,
        name: 'Matrix key',
        public_key: 'none',
        counter: 0,
        transports: null,
        created_at: new Date().toISOString(),
        last_used_at: null,
      });
      return id;
    });
  }
  /** A second session of an account role, to be spent by the request (sign-out). */
  throwawaySession(role: Role) {
    return this.once(`own-session-${role}`, async () => {
      const u = this.w.users[role as keyof MatrixWorld['users']];
      return u ? pageSession(this.w.t, u.email) : this.w.pages[role];
    });
  }
}

/** The value of path parameter `name` of route `url` for `role` in scope `s`. */
export async function param(name: string, url: string, s: Scope, role: Role): Promise<string> {
  const api = url.startsWith('/api/');
  switch (name) {
    case 'slug':
      return s.slug();
    case 'key':
      return (await s.case()).key;
    case 'uid':
    case 'ref':
      return s.draft();
    case 'format':
      return 'osv';
    case 'partyId':
      return (await s.party()).id;
    case 'delivery':
      return s.delivery();
    case 'handle':
      return s.sessionHandle();
    case 'year':
      return s.w.csaf.split('/')[0]!;
    case 'file':
      return s.w.csaf.split('/')[1]!;
    case '*':
      return 'parley.css';
    case 'token':
      // The reporter link: each role uses the case token it holds. Other links: an unknown secret.
      if (!url.startsWith('/c/')) return unknownToken();
      if (role === 'reporterA') return (await s.case(), s.reporterAToken());
      if (role === 'reporterB') return s.w.caseB.accessToken;
      return unknownToken();
    case 'userId':
      if (url.includes('/collaborators/')) return s.collaboratorId();
      if (url.includes('/contacts/')) return (await s.party()).contactId;
      if (url.includes('/members/')) return s.memberId();
      break;
    case 'id':
      if (api && url.startsWith('/api/v1/reports/')) return (await s.case()).id;
      if (url.includes('/webhooks/')) return s.webhook();
      break;
  }
  throw new Error(`no value for :${name} of ${url}: add one to param() or the route's params`);
}
