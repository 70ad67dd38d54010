// What the outbox worker asks of a delivery channel (e-mail, webhook): deliver one row or say why not.
import type { OutboxRow } from '../storage/schema.ts';

export interface DeliveryResult {
  /** The receiver's answer, kept for the delivery log (SMTP reply, HTTP status and body start). */
  response: string;
}

/**
 * Thrown by a sender when a delivery failed. `permanent` failures (a 5xx SMTP rejection of the
 * recipient, an invalid URL) go straight to the dead letters; others are retried with backoff.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
    readonly response?: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export interface ChannelSender {
  /** Delivers the row once. The row's id is its delivery id (Message-ID, X-Parley-Delivery). */
  deliver(row: OutboxRow): Promise<DeliveryResult>;
  close?(): Promise<void>;
}
