// Resolves who is asking, once per request. API routes take only a bearer token (never a cookie,
// so they need no CSRF token), and a personal token only within its scopes; pages take only the
// session cookie, and a login still waiting for its second factor is no one here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ANONYMOUS, type Actor } from '../../services/actor.ts';
import type { AuthService } from '../../services/auth.service.ts';
import { InsufficientScopeError, UnauthenticatedError } from '../../domain/errors.ts';
import { requiredScope } from '../../domain/token-scopes.ts';
import { isApiPath } from './problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
}

export interface CookieSettings {
  sessionName: string;
  csrfName: string;
  secure: boolean;
}

export function cookieSettings(publicUrl: URL): CookieSettings {
  // Secure cookies need https, except on loopback where browsers treat http as a secure context.
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(publicUrl.hostname);
  const secure = publicUrl.protocol === 'https:' || loopback;
  const https = publicUrl.protocol === 'https:';
  return {
    secure,
    sessionName: https ? '__Host-parley_session' : 'parley_session',
    csrfName: https ? '__Host-parley_csrf' : 'parley_csrf',
  };
}

export function registerActor(app: FastifyInstance, auth: AuthService, cookies: CookieSettings) {
  app.decorateRequest('actor', null as never);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.actor = ANONYMOUS;
    if (isApiPath(request.url)) {
      const header = request.headers.authorization;
      if (!header) return;
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const actor = m ? await auth.resolveBearer(m[1]!) : null;
      if (!actor) throw new UnauthenticatedError('The bearer token is not valid.');
      // A personal token acts only within its scopes; what each request needs: domain/token-scopes.ts.
      if (actor.kind === 'user' && actor.via === 'api-token') {
        const needed = requiredScope(request.method, request.routeOptions.url);
        if (!actor.scopes.includes(needed)) throw new InsufficientScopeError(needed);
      }
      request.actor = actor;
      return;
    }
    const secret = request.cookies[cookies.sessionName];
    if (!secret) return;
    const user = await auth.resolveSession(secret);
    if (user) request.actor = { kind: 'user', user, via: 'session' };
  });
}
