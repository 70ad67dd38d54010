// Builds the Fastify application: security headers, cookies and CSRF, rate limits, the actor,
// the error handler, the API and the pages. `server.ts` listens; tests call `app.inject()`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance, type FastifySchema, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '../config.ts';
import type { Services } from '../services/index.ts';
import { registerErrorHandling, handleError, isApiPath } from './plugins/problem.ts';
import { registerActor, cookieSettings } from './plugins/actor.ts';
import { registerAuditIp } from './plugins/audit-ip.ts';
import { registerInputGuard } from './plugins/input-guard.ts';
import { registerConnectionLimits, TIMEOUT_OPTIONS } from './plugins/connection-limits.ts';
import { registerTarpit } from './plugins/tarpit.ts';
import { registerEarlyLimits } from './plugins/rate-limits.ts';
import { registerValidation } from './plugins/validation.ts';
import { loggerOptions, registerRequestIds, requestIdOptions } from './plugins/logging.ts';
import { registerMetrics } from './plugins/metrics.ts';
import { registerApi } from './api/index.ts';
import { registerPages } from './pages/index.ts';
import { isReachable } from '../storage/db.ts';
import type { DrainState } from './drain.ts';

export interface AppOptions {
  config: Config;
  services: Services;
  /** Cookie-signing secret (from PARLEY_SECRET_KEY_FILE). */
  secret: Buffer;
  logger?: FastifyServerOptions['logger'];
  /** Set by server.ts on SIGTERM: /readyz answers 503 and connections close after their response. */
  drain?: DrainState;
}

const assetsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');
export const BODY_LIMIT = 1024 * 1024;

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { config, services } = opts;
  const app = Fastify({
    logger: opts.logger ?? loggerOptions(config.logLevel),
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    ...TIMEOUT_OPTIONS,
    ...requestIdOptions,
    routerOptions: { maxParamLength: 200 },
    // Router-level refusals (undecodable URL, over-long path parameter) go through the same error
    // handling as everything else; Fastify would otherwise answer them with its own JSON shape.
    frameworkErrors: handleError,
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  // Per-address connection cap and timeouts: floods and slow clients (plugins/connection-limits.ts).
  registerConnectionLimits(app, {
    maxPerAddress: config.maxConnectionsPerIp,
    behindProxy: config.trustProxy,
  });
  // Addresses that keep asking after being refused wait for each further refusal (plugins/tarpit.ts).
  registerTarpit(app, { delayMs: config.tarpitMs, drain: opts.drain });
  // First of the hooks: every answer carries its request id and is counted, and a Prometheus
  // scrape skips the session lookup.
  registerRequestIds(app);
  registerMetrics(app, { token: config.metricsToken, ops: services.opsMetrics });
  // JSON for the API, urlencoded for forms; nothing else (a text/plain body is a 415, not a guessed string).
  app.removeContentTypeParser('text/plain');
  registerValidation(app);
  const cookies = cookieSettings(config.publicUrl);
  const routes: RouteEntry[] = [];
  app.decorate('parley', { config, services, cookies, routes });

  // JSON answers need only a few security headers; helmet's full set (rebuilt on every request) is
  // for pages. API routes opt out of helmet here and get a fixed set in one call instead.
  // Every route is also listed in `app.parley.routes` (registered before any route, so none is
  // missed): the access-matrix test checks each one against every role, new ones included.
  app.addHook('onRoute', (route) => {
    if (isApiPath(route.url)) (route as { helmet?: boolean }).helmet = false;
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url, schema: route.schema });
  });
  const apiHeaders: Record<string, string> = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    ...(config.publicUrl.protocol === 'https:'
      ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }
      : {}),
  };
  app.addHook('onRequest', async (request, reply) => {
    if (isApiPath(request.url)) reply.headers(apiHeaders);
  });
  // While draining, no connection is kept alive past its response, so closing the server waits only
  // for requests, not for idle keep-alive sockets.
  const drain = opts.drain;
  if (drain)
    app.addHook('onSend', async (_request, reply) => {
      if (drain.draining) reply.header('connection', 'close');
    });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // Case links carry the reporter's secret: never send them on as a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity:
      config.publicUrl.protocol === 'https:' ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  await app.register(cookie, { secret: opts.secret });
  // Used for generating tokens (reply.generateCsrf); checks are in pages/csrf.ts.
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookies.csrfName,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: cookies.secure, signed: true },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(rateLimit, { global: false });
  await app.register(fastifyStatic, { root: assetsDir, prefix: '/assets/', maxAge: '1h', index: false });

  // Private pages and answers must not be kept by browsers or proxies.
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });

  // Before the actor hook: over-limit floods are refused before their credentials are looked up.
  registerEarlyLimits(app);
  registerActor(app, services.auth, cookies);
  registerAuditIp(app);
  registerInputGuard(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: '1',
        description: 'Coordinated vulnerability disclosure. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: config.publicUrl.origin }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'Personal API token (pat_…) or a reporter case token (rct_…)',
          },
        },
      },
    },
    hideUntagged: true,
  });

  app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { logLevel: 'warn' }, async (_req, reply) => {
    if (opts.drain?.draining) return reply.status(503).send({ status: 'draining' });
    const ok = await isReachable(services.deps.db);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'database unreachable' });
  });

  await registerApi(app);
  await registerPages(app);
  app.get('/api/openapi.json', async () => app.swagger());
  return app;
}

/** A registered route: method (HEAD twins of GET routes left out), URL pattern, and its schema if any. */
export interface RouteEntry {
  method: string;
  url: string;
  schema?: FastifySchema | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    parley: {
      config: Config;
      services: Services;
      cookies: ReturnType<typeof cookieSettings>;
      routes: RouteEntry[];
    };
  }
}
