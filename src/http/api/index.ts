// The JSON API under /api/v1.
import type { FastifyInstance } from 'fastify';
import { reportRoutes } from './reports/reports.routes.ts';
import { projectRoutes } from './projects/projects.routes.ts';
import { policyRoutes } from './projects/policy.routes.ts';

export async function registerApi(app: FastifyInstance) {
  await reportRoutes(app);
  await projectRoutes(app);
  await policyRoutes(app);
}
