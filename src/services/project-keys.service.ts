// Each project's team OpenPGP key pair: generated here or imported from gpg by a maintainer, public
// key served as pgp-key.asc and named in security.txt, private key used to decrypt what reporters
// encrypt to it and to sign security.txt. The private key is stored armored and protected with a
// passphrase derived from the instance secret, so a database dump alone does not reveal it.
import crypto from 'node:crypto';
import type { PrivateKey } from 'openpgp';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { ProjectRow } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as keys from '../storage/repositories/project-key.repository.ts';
import {
  generateKeyPair,
  importPrivateKey,
  unlockPrivateKey,
  type KeyPair,
} from '../integrations/pgp/pgp-keys.ts';
import { clearsignWithKey, decryptWithKey, type Decrypted } from '../integrations/pgp/pgp-crypto.ts';
import { requireMaintainer } from './access.ts';
import type { Actor } from './actor.ts';
import { derivedKey, iso, mailSettings, type ServiceDeps } from './deps.ts';
import { recordAudit } from './audit/audit-log.ts';

/** What anyone may know about a project's key. */
export interface ProjectKeyInfo {
  fingerprint: string;
  userId: string;
  source: 'generated' | 'imported';
  createdAt: string;
  expiresAt: string | null;
  /** Armored public key, as served at /p/{slug}/pgp-key.asc. */
  publicKey: string;
}

export interface ReplaceOption {
  /** A project has one key; replacing it must be asked for (mail encrypted to the old key becomes unreadable). */
  replace?: boolean;
}

/**
 * Unlocked private keys by project. Unlocking runs the passphrase's iterated S2K (tens of ms), too
 * slow per message. An entry is used only while the stored row still holds the same armored key
 * under the same passphrase (its `id` is a digest of both), so a key changed by another process is
 * never missed; that also makes it safe to share between service instances (intake has its own).
 */
const unlockedKeys = new Map<string, { id: string; key: Promise<PrivateKey> }>();

export class ProjectKeyService {
  constructor(private readonly deps: ServiceDeps) {}

  /** The project's armored public key, or null when it has none. */
  async publicKey(projectId: string): Promise<string | null> {
    return (await keys.findPublicProjectKey(this.deps.db, projectId))?.public_key ?? null;
  }

  /** `text` with an OpenPGP cleartext signature by the project's key, or null when it has none. */
  async clearsign(projectId: string, text: string): Promise<string | null> {
    const key = await this.unlockedKey(projectId);
    return key ? clearsignWithKey(text, key) : null;
  }

  /**
   * Decrypts an armored message (or binary) with the project's private key. A message that cannot be
   * decrypted, or a project without a key, is a ValidationError on `field`.
   */
  async decrypt(projectId: string, message: string | Uint8Array, field = 'message'): Promise<Decrypted> {
    const key = await this.unlockedKey(projectId);
    if (!key) {
      const text = 'This project has no OpenPGP key, so it cannot read encrypted messages.';
      throw new ValidationError([{ field, message: text }], text);
    }
    return decryptWithKey(message, key, field);
  }

  /** The project's key as anyone may see it (public pages), or null. */
  async keyInfo(slug: string): Promise<ProjectKeyInfo | null> {
    const project = await this.project(slug);
    return this.infoOf(project.id);
  }

  /** The key settings page: the project and its key (maintainers). */
  async settings(actor: Actor, slug: string) {
    const project = await this.project(slug);
    await requireMaintainer(this.deps.db, actor, project);
    return { project: { slug: project.slug, name: project.name }, key: await this.infoOf(project.id) };
  }

  /** Generates a new key pair for the project (maintainers). */
  async generate(actor: Actor, slug: string, opts: ReplaceOption = {}): Promise<ProjectKeyInfo> {
    const { project, userId, replaced } = await this.forMaintainer(actor, slug, opts);
    const pair = await generateKeyPair({
      name: `${project.name} security team`,
      email: `${project.slug}@${mailSettings(this.deps).inboundDomain}`,
      passphrase: this.passphrase(project.id),
    });
    return this.store(project, pair, 'generated', userId, actor, replaced);
  }

  /**
   * Takes in the team's existing private key (gpg --armor --export-secret-keys), unlocking it with
   * `passphrase` if it has one; it is stored protected with the instance-derived passphrase.
   */
  async import(
    actor: Actor,
    slug: string,
    armoredPrivateKey: unknown,
    passphrase?: string,
    opts: ReplaceOption = {},
  ): Promise<ProjectKeyInfo> {
    const { project, userId, replaced } = await this.forMaintainer(actor, slug, opts);
    const pair = await importPrivateKey(
      armoredPrivateKey,
      passphrase || undefined,
      this.passphrase(project.id),
    );
    return this.store(project, pair, 'imported', userId, actor, replaced);
  }

  /** Removes the project's key; encrypted intake stops and security.txt is served unsigned. */
  async remove(actor: Actor, slug: string): Promise<boolean> {
    const project = await this.project(slug);
    await requireMaintainer(this.deps.db, actor, project);
    unlockedKeys.delete(project.id);
    const old = await keys.findPublicProjectKey(this.deps.db, project.id);
    return this.deps.db.transaction().execute(async (trx) => {
      const removed = await keys.deleteProjectKey(trx, project.id);
      if (removed)
        await recordAudit(trx, this.deps, {
          action: 'project.key-changed',
          actor,
          projectId: project.id,
          target: project.slug,
          data: { change: 'removed', fingerprint: old?.fingerprint ?? null },
        });
      return removed;
    });
  }

  private async forMaintainer(actor: Actor, slug: string, opts: ReplaceOption) {
    const project = await this.project(slug);
    const user = await requireMaintainer(this.deps.db, actor, project);
    const existing = await keys.findPublicProjectKey(this.deps.db, project.id);
    if (existing && !opts.replace) {
      throw new ConflictError(
        `This project already has the key ${existing.fingerprint}. Replacing it means messages encrypted ` +
          'to it can no longer be read here; confirm the replacement to go ahead.',
        'key-exists',
      );
    }
    return { project, userId: user.id, replaced: existing?.fingerprint ?? null };
  }

  private async store(
    project: ProjectRow,
    pair: KeyPair,
    source: 'generated' | 'imported',
    userId: string,
    actor: Actor,
    replaced: string | null,
  ): Promise<ProjectKeyInfo> {
    await this.deps.db.transaction().execute(async (trx) => {
      await keys.saveProjectKey(trx, {
        project_id: project.id,
        fingerprint: pair.fingerprint,
        user_id_text: pair.userId,
        public_key: pair.publicKey,
        private_key: pair.privateKey,
        source,
        created_at: iso(this.deps.clock.now()),
        created_by: userId,
        expires_at: pair.expiresAt,
      });
      await recordAudit(trx, this.deps, {
        action: 'project.key-changed',
        actor,
        projectId: project.id,
        target: project.slug,
        data: { change: source, fingerprint: pair.fingerprint, ...(replaced ? { replaced } : {}) },
      });
    });
    unlockedKeys.delete(project.id);
    return (await this.infoOf(project.id))!;
  }

  private async infoOf(projectId: string): Promise<ProjectKeyInfo | null> {
    const row = await keys.findPublicProjectKey(this.deps.db, projectId);
    if (!row) return null;
    return {
      fingerprint: row.fingerprint,
      userId: row.user_id_text,
      source: row.source,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      publicKey: row.public_key,
    };
  }

  private async unlockedKey(projectId: string): Promise<PrivateKey | null> {
    const row = await keys.findProjectKey(this.deps.db, projectId);
    if (!row) {
      unlockedKeys.delete(projectId);
      return null;
    }
    const passphrase = this.passphrase(projectId);
    const id = crypto.createHash('sha256').update(`${row.private_key}\n${passphrase}`).digest('hex');
    const hit = unlockedKeys.get(projectId);
    if (hit?.id === id) return hit.key;
    // The promise is cached, so concurrent first uses share one unlock.
    const entry = {
      id,
      key: unlockPrivateKey(row.private_key, passphrase).catch((e: unknown) => {
        if (unlockedKeys.get(projectId) === entry) unlockedKeys.delete(projectId);
        throw new Error(
          `The OpenPGP key of project ${projectId} does not open with this instance's secret ` +
            `(was PARLEY_SECRET_KEY_FILE replaced?): ${e instanceof Error ? e.message : String(e)}`,
        );
      }),
    };
    unlockedKeys.set(projectId, entry);
    return entry.key;
  }

  /** The stored private key's passphrase: only this instance's secret opens it. */
  private passphrase(projectId: string): string {
    return derivedKey(this.deps.secret, `pgp-key:${projectId}`).toString('base64url');
  }

  private async project(slug: string): Promise<ProjectRow> {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    return project;
  }
}
