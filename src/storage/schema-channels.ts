// Kysely table types of the channels: project OpenPGP keys, inbound mail, attachments, announcement
// subscribers and webhooks (migration 2026-11-25-channels).
import type { Generated, Selectable } from 'kysely';

/** A project's team key pair; the private key is passphrase-protected (see pgp-keys.ts). */
export interface ProjectKeysTable {
  project_id: string;
  fingerprint: string;
  /** The key's first User ID, e.g. `Flux security team <security@…>`. */
  user_id_text: string;
  public_key: string;
  private_key: string;
  source: 'generated' | 'imported';
  created_at: string;
  created_by: string | null;
  expires_at: string | null;
}

/** One accepted inbound e-mail and what became of it. */
export interface InboundMailTable {
  id: string;
  message_id_header: string | null;
  received_at: string;
  envelope_from: string | null;
  recipient: string;
  remote_address: string | null;
  project_id: string | null;
  case_id: string | null;
  message_id: string | null;
  /** `report` opened a case; `reply` was threaded into one. */
  kind: 'report' | 'reply';
  size: number;
  encrypted: Generated<number>;
  /** Results from the relay's Authentication-Results header, when it sent one (pass, fail, …). */
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  auth_results: string | null;
}

export interface AttachmentsTable {
  id: string;
  case_id: string;
  message_id: string | null;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  content: Buffer;
  created_at: string;
}

/** A member of an announcement list: list_key is a project id, or `*` for the instance-wide list. */
export interface SubscribersTable {
  id: string;
  list_key: string;
  email: string;
  status: 'pending' | 'confirmed' | 'unsubscribed';
  confirm_token_hash: string | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
}

export interface WebhooksTable {
  id: string;
  project_id: string;
  url: string;
  secret: string;
  /** JSON list of event names (`report.created`, `advisory.published`, …). */
  events: string;
  format: 'parley' | 'slack';
  description: Generated<string>;
  active: Generated<number>;
  created_at: string;
  created_by: string | null;
}

export type ProjectKeyRow = Selectable<ProjectKeysTable>;
export type InboundMailRow = Selectable<InboundMailTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
export type SubscriberRow = Selectable<SubscribersTable>;
export type WebhookRow = Selectable<WebhooksTable>;
