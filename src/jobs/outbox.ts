// Builds the server's outbox worker with a sender per channel: webhooks always, e-mail when
// PARLEY_SMTP_URL is set (otherwise mail stays queued, and the admin's outbox page says so).
import type { Config } from '../config.ts';
import type { Core } from '../bootstrap.ts';
import { mailSettings } from '../services/deps.ts';
import { createMailSender } from '../integrations/mail/mail-sender.ts';
import { addressOf } from '../integrations/mail/mail-message.ts';
import { createWebhookSender } from '../integrations/webhooks/webhook-sender.ts';
import { encryptText } from '../integrations/pgp/pgp-crypto.ts';
import type { ChannelSender } from '../integrations/channel.types.ts';
import { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.ts';
import type { JobLogger } from './job.types.ts';

export function outboxSenders(core: Core, config: Config): OutboxWorkerOptions['senders'] {
  const { services } = core;
  const senders: Partial<Record<'email' | 'webhook', ChannelSender>> = {
    webhook: createWebhookSender({
      secretOf: (id) => services.webhooks.secretOf(id),
      allowPrivate: config.webhookAllowPrivate,
    }),
  };
  if (config.smtpUrl) {
    const mail = mailSettings(services.deps);
    senders.email = createMailSender({
      smtpUrl: config.smtpUrl,
      from: mail.from,
      // Message-IDs under the sender's own domain, as RFC 5322 §3.6.4 recommends.
      domain: addressOf(mail.from).split('@')[1] ?? mail.inboundDomain,
      encrypt: (inner, key) => encryptText(inner, [key]),
    });
  }
  return senders;
}

export function createOutboxWorker(
  core: Core,
  config: Config,
  logger: JobLogger,
  onOutcome?: OutboxWorkerOptions['onOutcome'],
): OutboxWorker {
  return new OutboxWorker({
    db: core.handle.db,
    dialect: core.handle.dialect,
    clock: core.services.deps.clock,
    logger,
    senders: outboxSenders(core, config),
    // A row whose process died mid-send is retried when its lease ends (PARLEY_OUTBOX_LEASE_SECONDS).
    leaseMs: config.outboxLeaseMs,
    ...(onOutcome ? { onOutcome } : {}),
  });
}
