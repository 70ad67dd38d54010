// The JSON API under /api/v1.
import type { FastifyInstance } from 'fastify';
import { reportRoutes } from './reports/reports.routes.ts';
import { caseMoveRoutes } from './reports/case-move.routes.ts';
import { coordinationRoutes } from './reports/coordination.routes.ts';
import { projectRoutes } from './projects/projects.routes.ts';
import { policyRoutes } from './projects/policy.routes.ts';
import { advisoryRoutes } from './advisories/advisories.routes.ts';
import { osvRoutes } from './osv/osv.routes.ts';
import { subscribeRoutes } from './announcements/subscribe.routes.ts';
import { pgpKeyRoutes } from './projects/pgp-key.routes.ts';
import { webhookRoutes } from './projects/webhooks.routes.ts';
import { projectSecurityRoutes } from './projects/project-security.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { triageRoutes } from './reports/triage.routes.ts';

export async function registerApi(app: FastifyInstance) {
  await reportRoutes(app);
  await caseMoveRoutes(app);
  await coordinationRoutes(app);
  await projectRoutes(app);
  await policyRoutes(app);
  await advisoryRoutes(app);
  await osvRoutes(app);
  await subscribeRoutes(app);
  await pgpKeyRoutes(app);
  await webhookRoutes(app);
  await projectSecurityRoutes(app);
  await auditRoutes(app);
  await triageRoutes(app);
}
