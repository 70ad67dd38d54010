// Inbox bulk close: POST /inbox/bulk-close shows what would be closed and asks to confirm; POST
// /inbox/bulk-close/confirm closes them (each case checked and closed on its own) and shows the
// outcome per case. Plain forms with CSRF; no JavaScript needed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../../domain/errors.ts';
import { sendPage, pageContext } from '../render.ts';
import { csrfGuard } from '../csrf.ts';
import { requireSignIn } from './guard.ts';
import { BulkConfirmPage, BulkResultPage } from './bulk-close.pages.tsx';

type BulkReq = FastifyRequest<{ Body: { ids?: unknown; resolution?: unknown } }>;

export async function bulkClosePages(app: FastifyInstance) {
  const { services } = app.parley;
  const guarded = { preHandler: [requireSignIn, csrfGuard] };
  const resolutionOf = (request: BulkReq) =>
    typeof request.body?.resolution === 'string' ? request.body.resolution : undefined;

  app.post('/inbox/bulk-close', guarded, async (request: BulkReq, reply) => {
    const resolution = resolutionOf(request);
    try {
      const cases = await services.triage.bulkPreview(request.actor, request.body?.ids, resolution);
      return sendPage(
        reply,
        <BulkConfirmPage ctx={pageContext(request, reply)} resolution={resolution ?? 'spam'} cases={cases} />,
      );
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return sendPage(
        reply,
        <BulkConfirmPage
          ctx={pageContext(request, reply)}
          resolution={resolution ?? 'spam'}
          cases={[]}
          error={e.errors[0]?.message ?? e.message}
        />,
        422,
      );
    }
  });

  app.post('/inbox/bulk-close/confirm', guarded, async (request: BulkReq, reply) => {
    try {
      const result = await services.triage.bulkClose(
        request.actor,
        { ids: request.body?.ids, resolution: resolutionOf(request) },
        { ip: request.ip },
      );
      return sendPage(reply, <BulkResultPage ctx={pageContext(request, reply)} result={result} />);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return sendPage(
        reply,
        <BulkConfirmPage
          ctx={pageContext(request, reply)}
          resolution={resolutionOf(request) ?? 'spam'}
          cases={[]}
          error={e.errors[0]?.message ?? e.message}
        />,
        422,
      );
    }
  });
}
