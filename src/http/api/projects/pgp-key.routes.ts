// /api/v1 project OpenPGP key: read it (public, like pgp-key.asc), and for maintainers generate or
// import one, or remove it.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NotFoundError } from '../../../domain/errors.ts';
import { SlugParam, problemResponses } from '../schemas.ts';
import { MAX_ARMORED_KEY } from '../../../integrations/pgp/pgp-config.ts';

const KeyInfo = Type.Object({
  fingerprint: Type.String(),
  userId: Type.String(),
  source: Type.String({ description: 'generated or imported' }),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  publicKey: Type.String({ description: 'Armored public key' }),
});

const KeyChange = Type.Object(
  {
    privateKey: Type.Optional(
      Type.String({
        maxLength: MAX_ARMORED_KEY,
        description:
          'Armored private key to import (gpg --armor --export-secret-keys); without it a key pair is generated',
      }),
    ),
    passphrase: Type.Optional(
      Type.String({ maxLength: 1000, description: 'The imported key’s passphrase, if any' }),
    ),
    replace: Type.Optional(Type.Boolean({ description: 'Replace the key the project has (else 409)' })),
  },
  { additionalProperties: false },
);

const security = [{ bearer: [] }];

export async function pgpKeyRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const keys = app.parley.services.projectKeys;

  r.get(
    '/api/v1/projects/:slug/pgp-key',
    {
      schema: {
        tags: ['projects'],
        summary: 'The project’s OpenPGP key (public)',
        params: SlugParam,
        response: { 200: KeyInfo, ...problemResponses },
      },
    },
    async (request) => {
      const info = await keys.keyInfo(request.params.slug);
      if (!info) throw new NotFoundError('This project has no OpenPGP key.');
      return info;
    },
  );

  r.post(
    '/api/v1/projects/:slug/pgp-key',
    {
      schema: {
        tags: ['projects'],
        summary: 'Generate a key pair, or import the team’s private key (maintainers)',
        security,
        params: SlugParam,
        body: KeyChange,
        response: { 201: KeyInfo, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { privateKey, passphrase, replace } = request.body;
      const info = privateKey
        ? await keys.import(request.actor, request.params.slug, privateKey, passphrase, { replace })
        : await keys.generate(request.actor, request.params.slug, { replace });
      return reply.status(201).send(info);
    },
  );

  r.delete(
    '/api/v1/projects/:slug/pgp-key',
    {
      schema: {
        tags: ['projects'],
        summary: 'Remove the project’s key (maintainers)',
        security,
        params: SlugParam,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      if (!(await keys.remove(request.actor, request.params.slug)))
        throw new NotFoundError('This project has no OpenPGP key.');
      return reply.status(204).send(null);
    },
  );
}
