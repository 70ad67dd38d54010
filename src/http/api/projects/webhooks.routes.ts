// /api/v1/projects/{slug}/webhooks: a project's webhooks for its maintainers: list, create (the
// answer carries the signing secret, once), change, delete, rotate the secret, send a test, and the
// delivery log with redelivery. Signatures and payloads: docs/mail-and-pgp.md#webhooks.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { WEBHOOK_EVENTS } from '../../../services/webhooks/webhook-emitter.ts';
import { WEBHOOK_FORMATS } from '../../../services/webhooks/webhook-payload.ts';
import { SlugParam, problemResponses } from '../schemas.ts';

const security = [{ bearer: [] }];
const tags = ['webhooks'];
const Id = Type.String({ maxLength: 64 });
const HookParams = Type.Object({ slug: Type.String({ maxLength: 64 }), id: Id });
const DeliveryParams = Type.Object({ slug: Type.String({ maxLength: 64 }), id: Id, delivery: Id });

const Event = Type.Enum([...WEBHOOK_EVENTS]);
const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(Type.String()),
  format: Type.String({ description: 'parley (JSON envelope) or slack (incoming-webhook message)' }),
  active: Type.Boolean(),
  createdAt: Type.String(),
});
const WithSecret = Type.Object({
  webhook: Webhook,
  secret: Type.String({ description: 'The signing secret; shown this once' }),
});
const Delivery = Type.Object({
  id: Type.String({ description: 'Sent as X-Parley-Delivery' }),
  event: Type.String(),
  status: Type.String({ description: 'pending, sent, failed (given up) or held' }),
  attempts: Type.Integer(),
  url: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  sentAt: Type.Union([Type.String(), Type.Null()]),
  lastResponse: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  body: Type.String(),
});
const fields = {
  url: Type.String({ maxLength: 2000, description: 'http(s), no credentials' }),
  events: Type.Array(Event, { minItems: 1, maxItems: WEBHOOK_EVENTS.length }),
  format: Type.Enum([...WEBHOOK_FORMATS]),
  description: Type.String({ maxLength: 200 }),
  active: Type.Boolean(),
};
const Create = Type.Object(
  {
    url: fields.url,
    events: fields.events,
    format: Type.Optional(fields.format),
    description: Type.Optional(fields.description),
    active: Type.Optional(fields.active),
  },
  { additionalProperties: false },
);
const Patch = Type.Object(
  {
    url: Type.Optional(fields.url),
    events: Type.Optional(fields.events),
    format: Type.Optional(fields.format),
    description: Type.Optional(fields.description),
    active: Type.Optional(fields.active),
  },
  { additionalProperties: false, minProperties: 1 },
);

export async function webhookRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;
  const base = '/api/v1/projects/:slug/webhooks';

  r.get(
    base,
    {
      schema: {
        tags,
        summary: "The project's webhooks (maintainers)",
        security,
        params: SlugParam,
        response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await services.webhooks.list(request.actor, request.params.slug) }),
  );

  r.post(
    base,
    {
      schema: {
        tags,
        summary: 'Add a webhook (maintainers); the answer holds its signing secret, shown once',
        security,
        params: SlugParam,
        body: Create,
        response: { 201: WithSecret, ...problemResponses },
      },
    },
    async (request, reply) => {
      const created = await services.webhooks.create(request.actor, request.params.slug, request.body);
      return reply
        .status(201)
        .header('location', `/api/v1/projects/${request.params.slug}/webhooks/${created.webhook.id}`)
        .header('cache-control', 'no-store')
        .send(created);
    },
  );

  r.patch(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Change a webhook (maintainers)',
        security,
        params: HookParams,
        body: Patch,
        response: { 200: Webhook, ...problemResponses },
      },
    },
    async (request) =>
      services.webhooks.update(request.actor, request.params.slug, request.params.id, request.body),
  );

  r.delete(
    `${base}/:id`,
    {
      schema: {
        tags,
        summary: 'Delete a webhook (maintainers); its queued deliveries then fail',
        security,
        params: HookParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await services.webhooks.delete(request.actor, request.params.slug, request.params.id);
      return reply.status(204).send(null);
    },
  );

  r.post(
    `${base}/:id/rotate-secret`,
    {
      schema: {
        tags,
        summary: 'Replace the signing secret (maintainers); in force at once, shown once',
        security,
        params: HookParams,
        response: { 200: WithSecret, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .header('cache-control', 'no-store')
        .send(await services.webhooks.rotateSecret(request.actor, request.params.slug, request.params.id)),
  );

  r.post(
    `${base}/:id/test`,
    {
      schema: {
        tags,
        summary: 'Queue a `ping` delivery to the webhook (maintainers)',
        security,
        params: HookParams,
        response: { 202: Delivery, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(await services.webhooks.sendTest(request.actor, request.params.slug, request.params.id)),
  );

  r.get(
    `${base}/:id/deliveries`,
    {
      schema: {
        tags,
        summary: 'Delivery log of a webhook, newest first (maintainers)',
        security,
        params: HookParams,
        querystring: Type.Object(
          {
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(Delivery), total: Type.Integer() }),
          ...problemResponses,
        },
      },
    },
    async (request) =>
      services.webhooks.deliveries(request.actor, request.params.slug, request.params.id, request.query),
  );

  r.post(
    `${base}/:id/deliveries/:delivery/redeliver`,
    {
      schema: {
        tags,
        summary: 'Queue a delivery again as a new delivery with the same body (maintainers)',
        security,
        params: DeliveryParams,
        response: { 202: Delivery, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(202)
        .send(
          await services.webhooks.redeliver(
            request.actor,
            request.params.slug,
            request.params.delivery,
            request.params.id,
          ),
        ),
  );
}
