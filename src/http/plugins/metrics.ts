// Prometheus metrics for operators at GET /metrics: HTTP requests and latencies by route pattern,
// job and outbox queue depths, delivery and job outcomes, overdue cases, rate-limit refusals, and
// the process's default metrics (CPU, memory, event loop, GC).
//
// /metrics is also the team's disclosure-metrics page (pages/team/metrics.routes.tsx). A scrape is
// told apart from a browser by what it sends: a bearer token, or an Accept header asking for the
// Prometheus text format (`text/plain` or `application/openmetrics-text`) and not for HTML. A
// scrape is answered here, before the page's session lookup; anything else reaches the page.
// Who may scrape: with PARLEY_METRICS_TOKEN set, a request with that bearer token (401 otherwise);
// without it, loopback clients only (404 otherwise), and a request that came through a proxy
// (X-Forwarded-For / Forwarded) is not taken as loopback.
//
// Labels carry route patterns (`/c/:token`), never raw URLs: case links hold secrets.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OpsMetricsService } from '../../services/ops-metrics.service.ts';
import { problemType, sendProblem } from './problem.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

// Process metrics describe the process, not an app: one registry per process (tests build many
// apps in one process, and default metrics register process-wide observers).
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The app's own metrics, in a registry per app; the job runner and outbox worker report into it. */
export class ParleyMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'parley_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'parley_rate_limited_total',
    help: 'Requests refused with 429 Too Many Requests, by route pattern',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: 'parley_job_runs_total',
    help: 'Job attempts finished in this process, by job kind and outcome (done, retried, dead)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'parley_outbox_deliveries_total',
    help: 'Outbox delivery attempts in this process, by channel and outcome (sent, retried, failed)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly deliveryFailures = new Counter({
    name: 'parley_outbox_delivery_failures_total',
    help: 'Failed outbox delivery attempts in this process (retried or given up), by channel',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });
  readonly jobDepth = new Gauge({
    name: 'parley_jobs',
    help: 'Jobs in the queue not yet done, by job kind and state (queued, running, dead)',
    labelNames: ['kind', 'state'] as const,
    registers: [this.registry],
  });
  readonly outboxDepth = new Gauge({
    name: 'parley_outbox_messages',
    help: 'Outbox rows not yet sent, by channel and state (pending, held, failed = dead letters)',
    labelNames: ['channel', 'state'] as const,
    registers: [this.registry],
  });
  readonly overdueCases = new Gauge({
    name: 'parley_cases_overdue',
    help: 'Cases with an SLA clock past its deadline',
    registers: [this.registry],
  });

  /** For the job runner: one finished attempt. */
  readonly jobFinished = (kind: string, outcome: string): void => {
    this.jobRuns.inc({ kind, outcome });
  };

  /** For the outbox worker: one delivery attempt. */
  readonly deliveryFinished = (channel: string, outcome: string): void => {
    this.deliveries.inc({ channel, outcome });
    if (outcome !== 'sent') this.deliveryFailures.inc({ channel });
  };

  /** Reads the gauges' figures from the database, then renders everything in the text format. */
  async render(ops: OpsMetricsService): Promise<string> {
    const snap = await ops.snapshot();
    this.jobDepth.reset();
    for (const r of snap.jobs) this.jobDepth.set({ kind: r.name, state: r.state }, r.count);
    this.outboxDepth.reset();
    for (const r of snap.outbox) this.outboxDepth.set({ channel: r.name, state: r.state }, r.count);
    this.overdueCases.set(snap.overdueCases);
    return (await processMetrics().metrics()) + (await this.registry.metrics());
  }
}

/** A scraper's request rather than a person's: a bearer token, or asks for the text format and not HTML. */
export function isScrape(request: FastifyRequest): boolean {
  if (/^bearer\s/i.test(request.headers.authorization ?? '')) return true;
  const accept = String(request.headers.accept ?? '').toLowerCase();
  return (
    (accept.includes('text/plain') || accept.includes('application/openmetrics-text')) &&
    !accept.includes('text/html')
  );
}

function isLoopback(request: FastifyRequest): boolean {
  if (request.headers['x-forwarded-for'] !== undefined || request.headers.forwarded !== undefined)
    return false;
  const ip = request.socket.remoteAddress ?? '';
  return ip === '::1' || /^(::ffff:)?127\./.test(ip);
}

/** Constant-time comparison of the presented token with the configured one (digests: equal lengths). */
function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const a = crypto.createHash('sha256').update(m[1]!).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

function refuse(request: FastifyRequest, reply: FastifyReply, status: 401 | 404) {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="parley-metrics"');
  return sendProblem(request, reply, {
    type: problemType(status === 401 ? 'unauthenticated' : 'not-found'),
    title: status === 401 ? 'Authentication required' : 'Not found',
    status,
    detail:
      status === 401
        ? 'Metrics need the bearer token of PARLEY_METRICS_TOKEN.'
        : 'There is nothing at this address.',
  });
}

/**
 * Counts every answer and serves the scrape. Register before the actor and page hooks, so that a
 * scrape costs no session lookup.
 */
export function registerMetrics(
  app: FastifyInstance,
  opts: { token: string | undefined; ops: OpsMetricsService },
): ParleyMetrics {
  const metrics = new ParleyMetrics();
  app.decorate('metrics', metrics);

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== '/metrics' || !['GET', 'HEAD'].includes(request.method)) return;
    if (!isScrape(request)) return;
    if (opts.token ? !tokenMatches(request.headers.authorization, opts.token) : !isLoopback(request))
      return refuse(request, reply, opts.token ? 401 : 404);
    const body = await metrics.render(opts.ops);
    return reply.type(processMetrics().contentType).send(body);
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: METHODS.has(request.method) ? request.method : 'OTHER',
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
    if (reply.statusCode === 429) metrics.rateLimited.inc({ route: labels.route });
  });
  return metrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ParleyMetrics;
  }
}
