// CSRF checks for form posts (double submit: a secret in a signed SameSite=Strict cookie, a token
// derived from it in the form). Most forms use `csrfGuard` as a preHandler (the body must be parsed
// first, since the token travels in it); a failure becomes a 403 page. Forms whose text must never be
// lost (a report, a reply) call `csrfValid` instead and re-render with the text kept.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import CSRF from '@fastify/csrf';

const tokens = CSRF();

export function csrfValid(request: FastifyRequest, reply: FastifyReply): boolean {
  const signed = request.cookies[request.server.parley.cookies.csrfName];
  const secret = signed ? reply.unsignCookie(signed) : undefined;
  const token = (request.body as Record<string, unknown> | undefined)?._csrf;
  return !!secret?.valid && !!secret.value && typeof token === 'string' && tokens.verify(secret.value, token);
}

export const csrfGuard: preHandlerAsyncHookHandler = async function (request, reply) {
  if (!csrfValid(request, reply)) throw new CsrfError();
};

export class CsrfError extends Error {
  statusCode = 403;
  code = 'FST_CSRF_INVALID_TOKEN';
  constructor() {
    super('This form had expired or did not come from this site. Go back, reload the page and try again.');
  }
}

export const CSRF_RETRY =
  'Your form had expired, so nothing was sent yet. Check the text below and submit again.';
