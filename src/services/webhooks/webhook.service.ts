// A project's webhooks: maintainers (and instance admins, like every project setting) create, edit,
// delete them, rotate their signing secret, send a test, and read and replay their delivery log.
// Responders learn that they lack the role; anyone else gets "no such project".
import { ConflictError, NotFoundError } from '../../domain/errors.ts';
import type { ProjectRow } from '../../storage/schema.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as webhooks from '../../storage/repositories/webhook.repository.ts';
import * as outbox from '../../storage/repositories/outbox.repository.ts';
import { queueWebhook } from '../outbox/outbox-queue.ts';
import { iso, type ServiceDeps } from '../deps.ts';
import type { Actor } from '../actor.ts';
import { requireMaintainer, requireUser } from '../access.ts';
import { webhookBody } from './webhook-payload.ts';
import { generateWebhookSecret, openWebhookSecret, sealWebhookSecret } from './webhook-secret.ts';
import { auditWebhook, webhookChange } from './webhook-audit.ts';
import {
  parseInput,
  present,
  presentDelivery,
  type WebhookDelivery,
  type WebhookInput,
  type WebhookView,
} from './webhook-views.ts';

export const MAX_WEBHOOKS_PER_PROJECT = 20;

export type { WebhookDelivery, WebhookInput, WebhookView } from './webhook-views.ts';
export { presentDelivery } from './webhook-views.ts';

export class WebhookService {
  constructor(private readonly deps: ServiceDeps) {}

  private async project(actor: Actor, slug: string): Promise<ProjectRow> {
    requireUser(actor);
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    await requireMaintainer(this.deps.db, actor, project);
    return project;
  }

  private async hook(actor: Actor, slug: string, id: string) {
    const project = await this.project(actor, slug);
    const hook = await webhooks.findWebhook(this.deps.db, id);
    if (!hook || hook.project_id !== project.id) throw new NotFoundError('No such webhook.');
    return { project, hook };
  }

  async list(actor: Actor, slug: string): Promise<WebhookView[]> {
    const project = await this.project(actor, slug);
    return (await webhooks.listWebhooks(this.deps.db, project.id)).map(present);
  }

  async get(actor: Actor, slug: string, id: string): Promise<WebhookView> {
    return present((await this.hook(actor, slug, id)).hook);
  }

  /** Creates a hook; the returned secret is shown once and cannot be read back later. */
  async create(
    actor: Actor,
    slug: string,
    input: WebhookInput,
  ): Promise<{ webhook: WebhookView; secret: string }> {
    const project = await this.project(actor, slug);
    const v = parseInput(input, false);
    if ((await webhooks.countWebhooks(this.deps.db, project.id)) >= MAX_WEBHOOKS_PER_PROJECT)
      throw new ConflictError(`A project can have at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks.`);
    const id = this.deps.random.uuid();
    const secret = generateWebhookSecret(this.deps.random);
    await this.deps.db.transaction().execute(async (trx) => {
      await webhooks.insertWebhook(trx, {
        id,
        project_id: project.id,
        url: v.url!,
        secret: sealWebhookSecret(this.deps.secret, id, secret),
        events: JSON.stringify(v.events),
        format: v.format ?? 'parley',
        description: v.description ?? '',
        active: v.active === false ? 0 : 1,
        created_at: iso(this.deps.clock.now()),
        created_by: requireUser(actor).id,
      });
      const created = { id, url: v.url! };
      await auditWebhook(trx, this.deps, actor, project, created, { change: 'created', events: v.events });
    });
    return { webhook: await this.get(actor, slug, id), secret };
  }

  async update(actor: Actor, slug: string, id: string, input: WebhookInput): Promise<WebhookView> {
    const { project, hook } = await this.hook(actor, slug, id);
    const v = parseInput(input, true);
    const patch = {
      ...(v.url !== undefined ? { url: v.url } : {}),
      ...(v.events !== undefined ? { events: JSON.stringify(v.events) } : {}),
      ...(v.format !== undefined ? { format: v.format } : {}),
      ...(v.description !== undefined ? { description: v.description } : {}),
      ...(v.active !== undefined ? { active: v.active ? 1 : 0 } : {}),
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await webhooks.updateWebhook(trx, hook.id, patch);
      await auditWebhook(trx, this.deps, actor, project, hook, webhookChange(hook, v, Object.keys(patch)));
    });
    return this.get(actor, slug, id);
  }

  /** Deletes the hook; its queued deliveries then fail for good (the sender finds no secret). */
  async delete(actor: Actor, slug: string, id: string): Promise<void> {
    const { project, hook } = await this.hook(actor, slug, id);
    await this.deps.db.transaction().execute(async (trx) => {
      await webhooks.deleteWebhook(trx, hook.id);
      await auditWebhook(trx, this.deps, actor, project, hook, { change: 'deleted' });
    });
  }

  /** A new secret, in force at once (queued deliveries are signed at sending time). Shown once. */
  async rotateSecret(
    actor: Actor,
    slug: string,
    id: string,
  ): Promise<{ webhook: WebhookView; secret: string }> {
    const { project, hook } = await this.hook(actor, slug, id);
    const secret = generateWebhookSecret(this.deps.random);
    await this.deps.db.transaction().execute(async (trx) => {
      await webhooks.updateWebhook(trx, hook.id, {
        secret: sealWebhookSecret(this.deps.secret, hook.id, secret),
      });
      await auditWebhook(trx, this.deps, actor, project, hook, { change: 'secret-rotated' });
    });
    return { webhook: present(hook), secret };
  }

  async deliveries(
    actor: Actor,
    slug: string,
    id: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<{ items: WebhookDelivery[]; total: number }> {
    const { hook } = await this.hook(actor, slug, id);
    const limit = Math.min(Math.max(Math.trunc(page.limit ?? 20), 1), 100);
    const offset = Math.max(Math.trunc(page.offset ?? 0), 0);
    const [rows, total] = await Promise.all([
      webhooks.listDeliveries(this.deps.db, hook.id, { limit, offset }),
      webhooks.countDeliveries(this.deps.db, hook.id),
    ]);
    return { items: rows.map(presentDelivery), total };
  }

  /**
   * Queues a delivery again as a new outbox row (new X-Parley-Delivery id, same body) to the hook's
   * current URL; the old row and its log stay as they were.
   */
  async redeliver(
    actor: Actor,
    slug: string,
    deliveryId: string,
    webhookId?: string,
  ): Promise<WebhookDelivery> {
    const project = await this.project(actor, slug);
    const row = await webhooks.findDelivery(this.deps.db, deliveryId);
    const hook = row?.source_id ? await webhooks.findWebhook(this.deps.db, row.source_id) : undefined;
    if (!row || !hook || row.project_id !== project.id || hook.project_id !== project.id)
      throw new NotFoundError('No such delivery.');
    if (webhookId !== undefined && hook.id !== webhookId) throw new NotFoundError('No such delivery.');
    // Two clicks at once may pick the same number; the loser takes the next one.
    for (let attempt = 0; attempt < 5; attempt++) {
      const n = (await webhooks.countRedeliveries(this.deps.db, row.id)) + 1 + attempt;
      const dedupeKey = `redeliver:${row.id}:${n}`;
      const wrote = await queueWebhook(this.deps.db, this.deps, {
        webhookId: hook.id,
        projectId: project.id,
        url: hook.url,
        event: row.kind,
        body: row.body,
        dedupeKey,
        caseId: row.case_id,
      });
      if (wrote) return presentDelivery((await outbox.findOutboxByDedupeKey(this.deps.db, dedupeKey))!);
    }
    throw new ConflictError('Could not queue the redelivery; try again.');
  }

  /** Queues a `ping` event to the hook (active or not), to check the receiver and its signature check. */
  async sendTest(actor: Actor, slug: string, id: string): Promise<WebhookDelivery> {
    const { project, hook } = await this.hook(actor, slug, id);
    const eventId = this.deps.random.uuid();
    const body = webhookBody(present(hook).format, {
      id: eventId,
      event: 'ping',
      createdAt: iso(this.deps.clock.now()),
      project: { slug: project.slug, name: project.name },
      data: { webhook: hook.id, message: 'A test delivery from Parley: this webhook works.' },
    });
    const dedupeKey = `ping:${hook.id}:${eventId}`;
    await queueWebhook(this.deps.db, this.deps, {
      webhookId: hook.id,
      projectId: project.id,
      url: hook.url,
      event: 'ping',
      body,
      dedupeKey,
    });
    return presentDelivery((await outbox.findOutboxByDedupeKey(this.deps.db, dedupeKey))!);
  }

  /**
   * The hook's current signing secret, for the webhook sender (no actor: the outbox worker asks).
   * Undefined when the hook was deleted or its secret cannot be decrypted with this instance secret.
   */
  async secretOf(webhookId: string): Promise<string | undefined> {
    const stored = await webhooks.storedSecretOf(this.deps.db, webhookId);
    return stored === undefined ? undefined : openWebhookSecret(this.deps.secret, webhookId, stored);
  }
}
