// /admin/audit: the audit log for instance admins (others get 403, anonymous visitors are sent to
// sign in). Filters arrive as a GET query; invalid ones re-render the form with their errors.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../../domain/errors.ts';
import type { AuditFilterInput, AuditFilterValues } from '../../../services/audit/audit-filters.ts';
import { sendPage, pageContext } from '../render.ts';
import { requireSignIn } from './guard.ts';
import { AuditPage } from './audit.page.tsx';

type AuditRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/** A query value as one string: a repeated parameter keeps its first value. */
const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);

export async function auditPages(app: FastifyInstance) {
  const { services } = app.parley;
  app.get('/admin/audit', { preHandler: requireSignIn }, async (request: AuditRequest, reply) => {
    const q = request.query;
    const input: AuditFilterInput = {};
    for (const k of ['action', 'actor', 'project', 'case', 'from', 'to', 'before', 'after'] as const)
      input[k] = one(q[k]);
    const head = await services.audit.head(request.actor);
    const paged = input.before !== undefined || input.after !== undefined;
    try {
      const listing = await services.audit.list(request.actor, input);
      return sendPage(
        reply,
        <AuditPage
          ctx={pageContext(request, reply)}
          filters={listing.filters}
          listing={listing}
          head={head}
          paged={paged}
        />,
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const filters = Object.fromEntries(
        (['action', 'actor', 'project', 'case', 'from', 'to'] as const).map((k) => [
          k,
          typeof input[k] === 'string' ? input[k] : '',
        ]),
      ) as unknown as AuditFilterValues;
      return sendPage(
        reply,
        <AuditPage
          ctx={pageContext(request, reply)}
          filters={filters}
          head={head}
          errors={e.errors}
          paged={paged}
        />,
        422,
      );
    }
  });
}
