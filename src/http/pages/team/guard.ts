// Team pages need a signed-in user; anyone else is sent to sign in and brought back afterwards.
import type { FastifyReply, FastifyRequest } from 'fastify';

export async function requireSignIn(request: FastifyRequest, reply: FastifyReply) {
  if (request.actor.kind !== 'user') {
    return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
  }
}
