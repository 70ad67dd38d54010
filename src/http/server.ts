// Listens, runs the background jobs, and shuts down cleanly (shutdown.ts): on SIGTERM/SIGINT stop
// accepting, let in-flight requests and jobs finish, then close the database. Serves only a database
// whose schema is exactly this code's (schema-guard.ts), migrating first when asked to (--migrate).
import type { Config } from '../config.ts';
import { openCore } from '../bootstrap.ts';
import { loadKeyRing } from '../secret-key.ts';
import { buildApp } from './app.ts';
import { publicLink } from '../config.ts';
import { createJobRunner } from '../jobs/index.ts';
import { startInboundSmtp, type InboundSmtp } from '../integrations/mail/inbound-server.ts';
import { createOutboxWorker } from '../jobs/outbox.ts';
import { DrainState } from './drain.ts';
import { installShutdown } from './shutdown.ts';

export async function serve(config: Config): Promise<void> {
  const keyRing = loadKeyRing(config.secretKeyFile);
  const core = await openCore(config, {
    migrate: config.migrateOnStart,
    requireCurrentSchema: true,
    keyRing,
  });
  const drain = new DrainState();
  const app = await buildApp({ config, services: core.services, secret: core.secret, drain });
  const runner = createJobRunner(core, app.log.child({ component: 'jobs' }), {
    leaseMs: config.jobLeaseMs,
    onOutcome: app.metrics.jobFinished,
  });
  // Mail and webhooks: delivered from the outbox with retries, beside the job runner.
  const outbox = createOutboxWorker(
    core,
    config,
    app.log.child({ component: 'outbox' }),
    app.metrics.deliveryFinished,
  );
  // Mail intake: started below when a port is configured; closed by the shutdown before the database.
  const smtp: { server?: InboundSmtp } = {};
  // Before the listener opens: a SIGTERM as soon as /readyz answers (an orchestrator, a test) must
  // find the handler, not Node's default of dying on the spot.
  installShutdown({
    app,
    drain,
    runner,
    outbox,
    inbound: () => smtp.server,
    core,
    log: app.log.child({ component: 'shutdown' }),
    delayMs: config.shutdownDelayMs,
    timeoutMs: config.shutdownTimeoutMs,
  });
  await app.listen({ host: config.host, port: config.port });
  app.log.info(
    { database: core.handle.describe, publicUrl: config.publicUrl.toString() },
    'Parley is serving',
  );
  // A shutdown that began during start-up has already stopped them: they must not start after it.
  if (drain.draining) return;
  runner.start();
  outbox.start();
  if (!config.smtpUrl) app.log.warn('PARLEY_SMTP_URL is unset: mail is queued in the outbox, not sent');
  // Mail intake listens only when a port is configured; it stops before the database closes.
  const inbound =
    config.inboundSmtpPort === undefined
      ? undefined
      : await startInboundSmtp({
          port: config.inboundSmtpPort,
          host: config.host,
          intake: core.services.mailIntake,
          logger: app.log.child({ component: 'inbound-smtp' }),
          maxBytes: config.inboundMaxBytes,
          name: config.inboundDomain,
          closeTimeoutMs: config.shutdownDelayMs + config.shutdownTimeoutMs,
        });
  smtp.server = inbound;
  if (inbound) app.log.info({ port: inbound.port, domain: config.inboundDomain }, 'taking mail by SMTP');
  const setupPath = await core.services.auth.issueSetupLinkIfNeeded();
  if (setupPath) {
    // The one place a secret link is logged on purpose: the operator needs it to create the first admin.
    app.log.warn(
      `No admin exists yet. Open this one-time link to create the first admin: ${publicLink(config, setupPath)}`,
    );
  }
}
