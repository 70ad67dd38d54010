// All server-rendered pages: public (reporters), account, and team.
import type { FastifyInstance } from 'fastify';
import { publicPages } from './public/public.routes.tsx';
import { accountPages } from './account/account.routes.tsx';
import { teamPages } from './team/team.routes.tsx';
import { projectPages } from './team/project.routes.tsx';

export async function registerPages(app: FastifyInstance) {
  await publicPages(app);
  await accountPages(app);
  await teamPages(app);
  await projectPages(app);
}
