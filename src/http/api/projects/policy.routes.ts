// /api/v1 policy routes: a project's policy in force (public, like its page), and for maintainers
// a preview with problems and diff, saving a new version, and the version history.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PolicySource, SlugParam, problemResponses } from '../schemas.ts';

const Any = (description: string) => Type.Object({}, { additionalProperties: true, description });
const security = [{ bearer: [] }];

export async function policyRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;

  r.get(
    '/api/v1/projects/:slug/policy',
    {
      schema: {
        tags: ['policy'],
        summary: 'The policy in force: version, parsed policy and its YAML source',
        params: SlugParam,
        response: { 200: Any('version, savedAt, policy, source'), ...problemResponses },
      },
    },
    async (request) => {
      const cur = await services.policies.current(request.params.slug);
      return { version: cur.version, savedAt: cur.savedAt, policy: cur.policy, source: cur.source };
    },
  );

  r.post(
    '/api/v1/projects/:slug/policy/preview',
    {
      schema: {
        tags: ['policy'],
        summary: 'Check a policy file and diff it against the version in force (maintainers)',
        security,
        params: SlugParam,
        body: PolicySource,
        response: { 200: Any('valid, problems (line, column), warnings, diff'), ...problemResponses },
      },
    },
    async (request) => services.policies.preview(request.actor, request.params.slug, request.body.source),
  );

  r.put(
    '/api/v1/projects/:slug/policy',
    {
      schema: {
        tags: ['policy'],
        summary: 'Save a new policy version (maintainers); new cases open under it',
        security,
        params: SlugParam,
        body: PolicySource,
        response: { 200: Any('version, diff'), ...problemResponses },
      },
    },
    async (request) => services.policies.save(request.actor, request.params.slug, request.body),
  );

  r.get(
    '/api/v1/projects/:slug/policy/versions',
    {
      schema: {
        tags: ['policy'],
        summary: 'Policy version history (maintainers)',
        security,
        params: SlugParam,
        response: { 200: Type.Object({ items: Type.Array(Any('one version')) }), ...problemResponses },
      },
    },
    async (request) => ({ items: await services.policies.history(request.actor, request.params.slug) }),
  );
}
