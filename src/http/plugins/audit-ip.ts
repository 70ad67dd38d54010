// Copies the request's address (Fastify's request.ip, which honours PARLEY_TRUST_PROXY) onto the
// signed-in actor, so that audit entries written by the services name where an action came from
// without the services knowing about HTTP. Only the audit recorder reads it (services/audit/audit-log.ts).
import type { FastifyInstance } from 'fastify';
import { withIp } from '../../services/audit/audit-log.ts';

export function registerAuditIp(app: FastifyInstance) {
  // Registered after the actor hook, so the actor is resolved; a copy, since resolvers may share objects.
  app.addHook('onRequest', async (request) => {
    if (request.actor.kind === 'user' && request.ip) request.actor = withIp(request.actor, request.ip);
  });
}
