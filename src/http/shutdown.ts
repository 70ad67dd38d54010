// Graceful shutdown of a serving process (SIGTERM, SIGINT). In order:
//  1. draining starts: /readyz answers 503 and responses carry `Connection: close`, so a load
//     balancer stops sending work here; the job runner and the outbox worker stop claiming, and the
//     SMTP listener stops accepting (a session in the middle of DATA still gets its answer);
//  2. after PARLEY_SHUTDOWN_DELAY_MS (default 0; a few seconds behind a load balancer that needs
//     time to see the 503) the HTTP listener closes: new connections are refused, in-flight
//     requests finish;
//  3. everything gets PARLEY_SHUTDOWN_TIMEOUT_MS to end. Then connections still open are cut, jobs
//     still running are released to the queue (due at once for the next process), sends still in
//     flight are released to the outbox; the database closes last and the process exits 0.
// A watchdog exits 1 if all that hangs, well before Kubernetes' SIGKILL at 30 s with the defaults.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Core } from '../bootstrap.ts';
import type { InboundSmtp } from '../integrations/mail/inbound-server.ts';
import type { OutboxWorker } from '../jobs/outbox-worker.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { DrainState } from './drain.ts';

export interface ShutdownParts {
  app: FastifyInstance;
  drain: DrainState;
  runner: JobRunner;
  outbox: OutboxWorker;
  /** The SMTP listener, once it listens (the handler is installed before anything listens). */
  inbound: () => InboundSmtp | undefined;
  core: Core;
  log: FastifyBaseLogger;
  delayMs: number;
  timeoutMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Installs the SIGTERM/SIGINT handlers; returns the shutdown function (for a caller that wants it). */
export function installShutdown(p: ShutdownParts): (signal: string) => Promise<void> {
  // Requests in flight, for the log: Node's own count of HTTP requests, not Fastify's routes.
  let inFlight = 0;
  p.app.server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const started = Date.now();
    const budget = p.delayMs + p.timeoutMs;
    p.drain.start();
    p.log.info(
      { signal, requestsInFlight: inFlight, delayMs: p.delayMs, timeoutMs: p.timeoutMs },
      'draining: /readyz answers 503; running work gets the shutdown timeout to finish',
    );
    const watchdog = setTimeout(() => {
      p.log.error({ ms: Date.now() - started }, 'shutdown did not finish in time; exiting now');
      process.exit(1);
    }, budget + 5_000);
    watchdog.unref();
    // Background work stops claiming at once; HTTP keeps serving through the delay.
    const jobs = p.runner.stop(budget);
    const outbox = p.outbox.stop(budget);
    const smtp = p.inbound()?.close();
    if (p.delayMs) await sleep(p.delayMs);
    const requestsAtClose = inFlight;
    p.log.info(
      { requestsInFlight: requestsAtClose },
      'HTTP listener closing; waiting for requests in flight',
    );
    const http = closeHttp(p.app, p.timeoutMs, () => inFlight);
    const [httpResult, jobsResult, outboxResult] = await Promise.all([http, jobs, outbox, smtp]);
    await p.core.close();
    p.log.info(
      {
        ms: Date.now() - started,
        requests: { inFlightAtClose: requestsAtClose, cutOff: httpResult.cutOff },
        jobs: jobsResult,
        outbox: outboxResult,
      },
      'drained; exiting',
    );
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return shutdown;
}

/**
 * Closes the listener and waits for in-flight requests (Fastify answers requests that still arrive
 * on an open connection with 503 and closes it). At the timeout the remaining connections are cut.
 */
async function closeHttp(app: FastifyInstance, timeoutMs: number, inFlight: () => number) {
  const closed = app.close();
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    closed.then(() => 'closed' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (r === 'closed') return { cutOff: 0 };
  const cutOff = inFlight();
  app.server.closeAllConnections();
  await closed;
  return { cutOff };
}
