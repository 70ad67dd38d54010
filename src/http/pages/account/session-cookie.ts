// The session cookie: set after sign-in (a pending one lives only as long as the second step may
// take), cleared on sign-out. HttpOnly, SameSite=Lax, Secure (and __Host-) on https.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_TTL_MS, PENDING_LOGIN_TTL_MS } from '../../../services/accounts/sessions.service.ts';

export function setSessionCookie(reply: FastifyReply, secret: string, pending = false) {
  const { cookies } = reply.server.parley;
  reply.setCookie(cookies.sessionName, secret, {
    path: '/',
    httpOnly: true,
    secure: cookies.secure,
    sameSite: 'lax',
    maxAge: Math.floor((pending ? PENDING_LOGIN_TTL_MS : SESSION_TTL_MS) / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(reply.server.parley.cookies.sessionName, { path: '/' });
}

export function sessionCookie(request: FastifyRequest): string | undefined {
  return request.cookies[request.server.parley.cookies.sessionName];
}

/** Client details recorded with sessions and audit entries. */
export function clientMeta(request: FastifyRequest) {
  return { ip: request.ip, userAgent: request.headers['user-agent'] };
}
