// /api/v1/projects/{slug}/security: the project's rule that its team signs in with a second factor
// (maintainers read and change it; needs the `write` scope to change).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SlugParam, problemResponses } from '../schemas.ts';

const security = [{ bearer: [] }];
const ProjectSecurity = Type.Object({
  require2fa: Type.Boolean(),
  membersWithoutSecondFactor: Type.Array(
    Type.Object({ name: Type.String(), email: Type.String(), role: Type.String() }),
  ),
});

export async function projectSecurityRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;

  r.get(
    '/api/v1/projects/:slug/security',
    {
      schema: {
        tags: ['projects'],
        summary: "The project's two-factor rule and the members who do not meet it (maintainers)",
        security,
        params: SlugParam,
        response: { 200: ProjectSecurity, ...problemResponses },
      },
    },
    async (request) => services.projectSecurity.get(request.actor, request.params.slug),
  );

  r.put(
    '/api/v1/projects/:slug/security',
    {
      schema: {
        tags: ['projects'],
        summary: 'Require (or stop requiring) a second factor of every team member (maintainers)',
        security,
        params: SlugParam,
        body: Type.Object({ require2fa: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: ProjectSecurity, ...problemResponses },
      },
    },
    async (request) =>
      services.projectSecurity.setRequire2fa(request.actor, request.params.slug, request.body.require2fa, {
        ip: request.ip,
      }),
  );
}
