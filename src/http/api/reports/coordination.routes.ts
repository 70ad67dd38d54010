// /api/v1 coordination routes of a case: collaborators, parties and their contacts and status, the
// embargo and the summary parties read. Team only, except that a party's contacts set its status.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParam, problemResponses } from '../schemas.ts';
import { caseRef } from '../case-ref.ts';

const security = [{ bearer: [] }];
const tags = ['coordination'];
const Any = Type.Object({}, { additionalProperties: true });
const PartyParam = Type.Object({
  id: Type.String({ maxLength: 64 }),
  partyId: Type.String({ maxLength: 64 }),
});
const UserParam = Type.Object({ id: Type.String({ maxLength: 64 }), userId: Type.String({ maxLength: 64 }) });
const ContactParam = Type.Object({
  id: Type.String({ maxLength: 64 }),
  partyId: Type.String({ maxLength: 64 }),
  userId: Type.String({ maxLength: 64 }),
});
const Person = Type.Object(
  { email: Type.String({ maxLength: 254 }), name: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
);

export async function coordinationRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;
  const meta = (ip: string) => ({ ip });

  r.get(
    '/api/v1/reports/:id/collaborators',
    {
      schema: {
        tags,
        summary: 'People invited to this case only',
        security,
        params: IdParam,
        response: { 200: Type.Array(Any), ...problemResponses },
      },
    },
    async (req) => services.collaborators.list(req.actor, caseRef(req.params.id)),
  );
  r.post(
    '/api/v1/reports/:id/collaborators',
    {
      schema: {
        tags,
        summary: 'Invite a person by e-mail to this one case',
        security,
        params: IdParam,
        body: Person,
        response: { 201: Any, ...problemResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await services.collaborators.add(req.actor, caseRef(req.params.id), req.body, meta(req.ip))),
  );
  r.delete(
    '/api/v1/reports/:id/collaborators/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a collaborator',
        security,
        params: UserParam,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await services.collaborators.remove(req.actor, caseRef(req.params.id), req.params.userId, meta(req.ip));
      return reply.status(204).send(null);
    },
  );

  r.get(
    '/api/v1/reports/:id/parties',
    {
      schema: {
        tags,
        summary: 'Parties (vendors, distributors) of the case with status and times',
        security,
        params: IdParam,
        response: { 200: Type.Array(Any), ...problemResponses },
      },
    },
    async (req) => services.parties.list(req.actor, caseRef(req.params.id)),
  );
  r.post(
    '/api/v1/reports/:id/parties',
    {
      schema: {
        tags,
        summary: 'Invite an organisation with its contacts (mailed at once unless notify is false)',
        security,
        params: IdParam,
        body: Type.Object(
          {
            organisation: Type.String({ maxLength: 200 }),
            contacts: Type.Array(Person, { minItems: 1, maxItems: 20 }),
            notify: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...problemResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await services.parties.add(req.actor, caseRef(req.params.id), req.body, meta(req.ip))),
  );
  r.post(
    '/api/v1/reports/:id/parties/notify',
    {
      schema: {
        tags,
        summary: 'Mail the invitation to the parties not told yet, or again to the ones named',
        security,
        params: IdParam,
        body: Type.Object(
          { partyIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 1000 })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ notified: Type.Integer() }), ...problemResponses },
      },
    },
    async (req) => ({
      notified: await services.parties.notify(
        req.actor,
        caseRef(req.params.id),
        req.body.partyIds ?? 'pending',
      ),
    }),
  );
  r.patch(
    '/api/v1/reports/:id/parties/:partyId',
    {
      schema: {
        tags,
        summary: "Set a party's status and public statement (the team, or the party's own contacts)",
        security,
        params: PartyParam,
        body: Type.Object(
          {
            status: Type.Optional(
              Type.Union(['unknown', 'affected', 'not-affected', 'fixed'].map((s) => Type.Literal(s))),
            ),
            statement: Type.Optional(Type.String({ maxLength: 10_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await services.partyActivity.setStatus(req.actor, caseRef(req.params.id), req.params.partyId, req.body);
      return reply.status(204).send(null);
    },
  );
  r.delete(
    '/api/v1/reports/:id/parties/:partyId',
    {
      schema: {
        tags,
        summary: 'Remove a party from the case',
        security,
        params: PartyParam,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await services.parties.remove(req.actor, caseRef(req.params.id), req.params.partyId, meta(req.ip));
      return reply.status(204).send(null);
    },
  );
  r.post(
    '/api/v1/reports/:id/parties/:partyId/contacts',
    {
      schema: {
        tags,
        summary: 'Add a contact to a party, optionally with an OpenPGP public key',
        security,
        params: PartyParam,
        body: Type.Object(
          {
            email: Type.String({ maxLength: 254 }),
            name: Type.Optional(Type.String({ maxLength: 200 })),
            pgpKey: Type.Optional(Type.String({ maxLength: 200_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Any, ...problemResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await services.partyActivity.addContact(
            req.actor,
            caseRef(req.params.id),
            req.params.partyId,
            req.body,
            meta(req.ip),
          ),
        ),
  );
  r.delete(
    '/api/v1/reports/:id/parties/:partyId/contacts/:userId',
    {
      schema: {
        tags,
        summary: 'Remove a contact from a party',
        security,
        params: ContactParam,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await services.partyActivity.removeContact(
        req.actor,
        caseRef(req.params.id),
        req.params.partyId,
        req.params.userId,
      );
      return reply.status(204).send(null);
    },
  );

  r.put(
    '/api/v1/reports/:id/embargo',
    {
      schema: {
        tags,
        summary: 'Set the embargo end: a local date-time in an IANA time zone; every party is mailed',
        security,
        params: IdParam,
        body: Type.Object(
          { at: Type.String({ maxLength: 40 }), zone: Type.Optional(Type.String({ maxLength: 64 })) },
          { additionalProperties: false },
        ),
        response: { 200: Any, ...problemResponses },
      },
    },
    async (req) => ({
      embargo: await services.embargo.set(req.actor, caseRef(req.params.id), req.body, meta(req.ip)),
    }),
  );
  r.delete(
    '/api/v1/reports/:id/embargo',
    {
      schema: {
        tags,
        summary: 'Lift the embargo end date; every party is mailed',
        security,
        params: IdParam,
        response: { 200: Any, ...problemResponses },
      },
    },
    async (req) => ({
      embargo: await services.embargo.set(req.actor, caseRef(req.params.id), null, meta(req.ip)),
    }),
  );
  r.put(
    '/api/v1/reports/:id/party-summary',
    {
      schema: {
        tags,
        summary: 'What parties are told about the case',
        security,
        params: IdParam,
        body: Type.Object({ summary: Type.String({ maxLength: 20_000 }) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (req, reply) => {
      await services.embargo.setSummary(req.actor, caseRef(req.params.id), req.body.summary);
      return reply.status(204).send(null);
    },
  );
}
