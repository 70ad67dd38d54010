// Form posts of the case page's coordination part: embargo, party summary, collaborators, parties
// (invite, notify, status — also posted by a party's own contacts —, contacts, removal). Each calls
// one service method and returns to the case (POST → 303 → GET); refusals re-render the page.
import type { FastifyInstance } from 'fastify';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { casePageHandlers } from './case-page-handlers.tsx';

type P = { Params: { key: string } };

export async function coordinationPages(app: FastifyInstance) {
  const { services } = app.parley;
  const { action } = casePageHandlers(services);
  const guarded = { preHandler: [requireSignIn, csrfGuard] };
  const ref = (key: string) => ({ key });
  /** The last value of a field sent twice (hidden "false" then a ticked checkbox "true"). */
  const last = (body: unknown, name: string) => {
    const v = (body as Record<string, unknown> | undefined)?.[name];
    return Array.isArray(v) ? v.at(-1) : v;
  };

  app.post<P>(
    '/cases/:key/embargo',
    guarded,
    action(
      (req, v) =>
        services.embargo.set(
          req.actor,
          ref(req.params.key),
          v.lift === 'true' ? null : { at: v.at, zone: v.zone },
          {
            ip: req.ip,
          },
        ),
      'embargo',
    ),
  );
  app.post<P>(
    '/cases/:key/party-summary',
    guarded,
    action(
      (req, v) => services.embargo.setSummary(req.actor, ref(req.params.key), v.summary ?? ''),
      'party-summary',
    ),
  );
  app.post<P>(
    '/cases/:key/collaborators',
    guarded,
    action(
      (req, v) =>
        services.collaborators.add(
          req.actor,
          ref(req.params.key),
          { email: v.email, name: v.name },
          { ip: req.ip },
        ),
      'collaborators',
    ),
  );
  app.post<P>(
    '/cases/:key/collaborators/remove',
    guarded,
    action(
      (req, v) =>
        services.collaborators.remove(req.actor, ref(req.params.key), v.userId ?? '', { ip: req.ip }),
      'collaborators',
    ),
  );
  app.post<P>(
    '/cases/:key/parties',
    guarded,
    action(
      (req, v) =>
        services.parties.add(
          req.actor,
          ref(req.params.key),
          {
            organisation: v.organisation,
            contacts: v.contacts,
            notify: last(req.body, 'notify') !== 'false',
          },
          { ip: req.ip },
        ),
      'parties',
    ),
  );
  app.post<P>(
    '/cases/:key/parties/notify',
    guarded,
    action((req) => services.parties.notify(req.actor, ref(req.params.key), 'pending'), 'parties'),
  );
  app.post<P>(
    '/cases/:key/parties/status',
    guarded,
    action(
      (req, v) =>
        services.partyActivity.setStatus(req.actor, ref(req.params.key), v.partyId ?? '', {
          status: v.status,
          statement: v.statement ?? '',
        }),
      'parties',
    ),
  );
  app.post<P>(
    '/cases/:key/parties/contacts',
    guarded,
    action(
      (req, v) =>
        services.partyActivity.addContact(
          req.actor,
          ref(req.params.key),
          v.partyId ?? '',
          { email: v.email, name: v.name, pgpKey: v.pgpKey },
          { ip: req.ip },
        ),
      'parties',
    ),
  );
  app.post<P>(
    '/cases/:key/parties/remove',
    guarded,
    action(
      (req, v) => services.parties.remove(req.actor, ref(req.params.key), v.partyId ?? '', { ip: req.ip }),
      'parties',
    ),
  );
}
