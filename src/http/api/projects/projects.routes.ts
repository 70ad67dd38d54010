// /api/v1 project routes: the public list of projects that take reports.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SlugParam, problemResponses } from '../schemas.ts';

const Project = Type.Object({
  slug: Type.String(),
  name: Type.String(),
  key: Type.String(),
  description: Type.String(),
});

export async function projectRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { services } = app.parley;
  r.get(
    '/api/v1/projects',
    {
      schema: {
        tags: ['projects'],
        summary: 'Projects that take reports',
        response: { 200: Type.Object({ items: Type.Array(Project) }) },
      },
    },
    async () => ({ items: await services.projects.listPublic() }),
  );
  r.get(
    '/api/v1/projects/:slug',
    {
      schema: {
        tags: ['projects'],
        summary: 'One project',
        params: SlugParam,
        response: { 200: Project, ...problemResponses },
      },
    },
    async (request) => services.projects.getPublic(request.params.slug),
  );
}
