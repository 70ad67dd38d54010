// /api/v1 announcement-list subscription (public, no account, rate-limited like report intake): the
// same double opt-in as the web form. The answer is the same whether or not the address was already
// on the list; only the mailbox learns which.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SlugParam, problemResponses } from '../schemas.ts';
import { intakeRateLimit } from '../../plugins/rate-limits.ts';
import { INSTANCE_LIST } from '../../../services/announcements/list-links.ts';

const SubscribeBody = Type.Object(
  { email: Type.String({ maxLength: 254, description: 'The address to send announcements to' }) },
  { additionalProperties: false },
);

const Accepted = Type.Object({
  status: Type.Literal('confirmation-sent'),
  list: Type.Object({ slug: Type.Union([Type.String(), Type.Null()]), name: Type.String() }),
  message: Type.String(),
});

const MESSAGE =
  'If the address can receive mail, a confirmation link is on its way; it works for 7 days. ' +
  'Nothing is sent before it is confirmed.';

export async function subscribeRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services, config } = app.parley;
  const answer = (list: { slug: string | null; name: string }) => ({
    status: 'confirmation-sent' as const,
    list,
    message: MESSAGE,
  });

  r.post(
    '/api/v1/projects/:slug/subscribe',
    {
      config: { rateLimit: intakeRateLimit(config) },
      schema: {
        tags: ['announcements'],
        summary: "Subscribe an address to a project's security announcements (double opt-in)",
        params: SlugParam,
        body: SubscribeBody,
        response: { 202: Accepted, ...problemResponses },
      },
    },
    async (request, reply) => {
      const done = await services.announcements.subscribe(request.params.slug, request.body.email);
      return reply.status(202).send(answer(done.list));
    },
  );

  r.post(
    '/api/v1/subscribe',
    {
      config: { rateLimit: intakeRateLimit(config) },
      schema: {
        tags: ['announcements'],
        summary: 'Subscribe an address to the announcements of every project here (double opt-in)',
        body: SubscribeBody,
        response: { 202: Accepted, ...problemResponses },
      },
    },
    async (request, reply) => {
      const done = await services.announcements.subscribe(INSTANCE_LIST, request.body.email);
      return reply.status(202).send(answer(done.list));
    },
  );
}
