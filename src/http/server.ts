// Listens, runs the background jobs, and shuts down cleanly: on SIGTERM/SIGINT stop accepting, let
// in-flight requests and jobs finish, then close the database.
import type { Config } from '../config.ts';
import { openCore } from '../bootstrap.ts';
import { loadKeyRing } from '../secret-key.ts';
import { buildApp } from './app.ts';
import { publicLink } from '../config.ts';
import { createJobRunner } from '../jobs/index.ts';
import { startInboundSmtp } from '../integrations/mail/inbound-server.ts';
import { createOutboxWorker } from '../jobs/outbox.ts';

export async function serve(config: Config): Promise<void> {
  const keyRing = loadKeyRing(config.secretKeyFile);
  const core = await openCore(config, { migrate: true, keyRing });
  const app = await buildApp({ config, services: core.services, secret: core.secret });
  await app.listen({ host: config.host, port: config.port });
  app.log.info(
    { database: core.handle.describe, publicUrl: config.publicUrl.toString() },
    'Parley is serving',
  );
  const runner = createJobRunner(core, app.log.child({ component: 'jobs' }));
  runner.start();
  // Mail and webhooks: delivered from the outbox with retries, beside the job runner.
  const outbox = createOutboxWorker(core, config, app.log.child({ component: 'outbox' }));
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
        });
  if (inbound) app.log.info({ port: inbound.port, domain: config.inboundDomain }, 'taking mail by SMTP');
  const setupPath = await core.services.auth.issueSetupLinkIfNeeded();
  if (setupPath) {
    // The one place a secret link is logged on purpose: the operator needs it to create the first admin.
    app.log.warn(
      `No admin exists yet. Open this one-time link to create the first admin: ${publicLink(config, setupPath)}`,
    );
  }
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    // Running jobs get a moment to finish; an unfinished one keeps its lease and runs again later.
    await runner.stop(5_000);
    await outbox.stop();
    await inbound?.close();
    await core.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
