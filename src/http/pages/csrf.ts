// CSRF checks for form posts. Most forms use `csrfGuard` as a preHandler (the body must be parsed
// first, since the token travels in it). Forms whose text must never be lost (a report, a reply)
// call `csrfValid` instead and re-render with the text kept when the check fails.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';

export function csrfValid(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  return new Promise((resolve) => {
    request.server.csrfProtection(request, reply, (err?: Error) => resolve(!err));
  });
}

export const csrfGuard: preHandlerAsyncHookHandler = async function (request, reply) {
  await new Promise<void>((resolve, reject) => {
    request.server.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()));
  });
};

export const CSRF_RETRY =
  'Your form had expired, so nothing was sent yet. Check the text below and submit again.';
