// All server-rendered pages: public (reporters), account, and team.
import type { FastifyInstance } from 'fastify';
import { publicPages } from './public/public.routes.tsx';
import { publicAdvisoryPages } from './public/advisory.routes.tsx';
import { accountPages } from './account/account.routes.tsx';
import { teamPages } from './team/team.routes.tsx';
import { bulkClosePages } from './team/bulk-close.routes.tsx';
import { coordinationPages } from './team/coordination.routes.tsx';
import { caseMovePages } from './team/case-move.routes.tsx';
import { projectPages } from './team/project.routes.tsx';
import { policyPages } from './team/policy.routes.tsx';
import { metricsPages } from './team/metrics.routes.tsx';
import { notificationPages } from './team/notifications.routes.tsx';
import { advisoryPages } from './team/advisory.routes.tsx';
import { subscribePages } from './public/subscribe.routes.tsx';
import { announcementPages } from './team/announcements.routes.tsx';
import { webhookPages } from './team/webhook.routes.tsx';
import { pgpKeyPages } from './team/pgp-key.routes.tsx';
import { outboxPages } from './team/outbox.routes.tsx';
import { auditPages } from './team/audit.routes.tsx';
import { mailPrefsPages } from './account/mail-prefs.routes.tsx';
import { secondFactorPages } from './account/second-factor.routes.tsx';
import { securityPages } from './account/security.routes.tsx';
import { tokenPages } from './account/tokens.routes.tsx';
import { passwordResetPages } from './account/password-reset.routes.tsx';
import { isApiPath } from '../plugins/problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Unread notices of the signed-in user, for the page header (pages only). */
    unreadNotices?: number;
  }
}

export async function registerPages(app: FastifyInstance) {
  const { services } = app.parley;
  app.addHook('preHandler', async (request) => {
    // Any method: a form post that fails re-renders a page, which shows the count as well.
    if (request.actor.kind !== 'user' || isApiPath(request.url)) return;
    request.unreadNotices = await services.notifications.unreadCount(request.actor);
  });
  await publicPages(app);
  await publicAdvisoryPages(app);
  await accountPages(app);
  await teamPages(app);
  await bulkClosePages(app);
  await coordinationPages(app);
  await caseMovePages(app);
  await projectPages(app);
  await policyPages(app);
  await metricsPages(app);
  await notificationPages(app);
  await advisoryPages(app);
  await subscribePages(app);
  await announcementPages(app);
  await webhookPages(app);
  await outboxPages(app);
  await auditPages(app);
  await mailPrefsPages(app);
  await secondFactorPages(app);
  await securityPages(app);
  await tokenPages(app);
  await passwordResetPages(app);
  await pgpKeyPages(app);
}
