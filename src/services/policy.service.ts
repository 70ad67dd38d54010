// A project's policy file: the version in force, its history, validated saves with a diff, and the
// published renderings (policy page data, SECURITY.md, security.txt). Policies are public documents,
// so reading needs no access check; changing one is for maintainers.
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Policy } from '../domain/policy/policy.types.ts';
import { lineDiff, type DiffLine } from '../domain/policy/line-diff.ts';
import { parsePolicy, DEFAULT_POLICY, DEFAULT_POLICY_YAML } from '../domain/policy/policy-parse.ts';
import { renderSecurityMd } from '../domain/policy/render-security-md.ts';
import { renderSecurityTxt } from '../domain/policy/render-security-txt.ts';
import type { ProjectRow } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import * as policies from '../storage/repositories/policy.repository.ts';
import { requireMaintainer } from './access.ts';
import type { Actor } from './actor.ts';
import { iso, type ServiceDeps } from './deps.ts';
import { ProjectKeyService } from './project-keys.service.ts';
import { recordAudit } from './audit/audit-log.ts';

export interface ProjectPolicy {
  project: ProjectRow;
  version: number;
  policy: Policy;
  source: string;
  /** When this version was saved; null for the built-in default. */
  savedAt: string | null;
}

export type { DiffLine } from '../domain/policy/line-diff.ts';

export interface PolicyPreview {
  valid: boolean;
  problems: { line: number; column: number; path: string; message: string }[];
  warnings: { line: number; column: number; path: string; message: string }[];
  diff: DiffLine[];
}

const MAX_SOURCE = 200_000;

export class PolicyService {
  // Saved versions never change, so a parsed version can be kept for the life of the process.
  private readonly parsed = new Map<string, Policy>();
  private readonly listeners: ((slug: string) => void)[] = [];

  constructor(private readonly deps: ServiceDeps) {}

  /** Registers a callback run after a project's policy changed (intake drops its cached project). */
  onChange(fn: (slug: string) => void): void {
    this.listeners.push(fn);
  }

  /** The policy a case opened under `version` follows (0 = built-in default). */
  async policyOf(projectId: string, version: number): Promise<Policy> {
    if (version === 0) return DEFAULT_POLICY;
    const key = `${projectId}:${version}`;
    const hit = this.parsed.get(key);
    if (hit) return hit;
    const row = await policies.findPolicy(this.deps.db, projectId, version);
    if (!row) throw new Error(`policy ${key} is missing`);
    const r = parsePolicy(row.source);
    // A stored version was valid when saved; if a later format change rejects it, clocks must
    // still run, so fall back to the defaults rather than fail every page of the project.
    const policy = r.ok ? r.policy : DEFAULT_POLICY;
    this.parsed.set(key, policy);
    return policy;
  }

  async current(slug: string): Promise<ProjectPolicy> {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    return this.ofProject(project, project.policy_version);
  }

  async version(actor: Actor, slug: string, version: number): Promise<ProjectPolicy> {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    await requireMaintainer(this.deps.db, actor, project);
    if (!Number.isInteger(version) || version < 0 || version > project.policy_version)
      throw new NotFoundError('No such policy version.');
    return this.ofProject(project, version);
  }

  private async ofProject(project: ProjectRow, version: number): Promise<ProjectPolicy> {
    if (version === 0) {
      return { project, version, policy: DEFAULT_POLICY, source: DEFAULT_POLICY_YAML, savedAt: null };
    }
    const row = await policies.findPolicy(this.deps.db, project.id, version);
    if (!row) throw new NotFoundError('No such policy version.');
    return {
      project,
      version,
      policy: await this.policyOf(project.id, version),
      source: row.source,
      savedAt: row.created_at,
    };
  }

  async history(actor: Actor, slug: string) {
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    await requireMaintainer(this.deps.db, actor, project);
    const rows = await policies.listPolicyVersions(this.deps.db, project.id);
    return [
      ...rows.map((r) => ({
        version: r.version,
        note: r.note,
        savedAt: r.created_at,
        savedBy: r.created_by_name ?? null,
        current: r.version === project.policy_version,
      })),
      {
        version: 0,
        note: 'Built-in default policy',
        savedAt: null,
        savedBy: null,
        current: project.policy_version === 0,
      },
    ];
  }

  /** Validates a proposed policy and shows what would change against the version in force. */
  async preview(actor: Actor, slug: string, source: unknown): Promise<PolicyPreview> {
    const cur = await this.current(slug);
    // Who may ask comes before what they sent: a stranger learns nothing from a validation error.
    await requireMaintainer(this.deps.db, actor, cur.project);
    const text = sourceText(source);
    const r = parsePolicy(text);
    return {
      valid: r.ok,
      problems: r.ok ? [] : r.problems,
      warnings: r.ok ? r.warnings : [],
      diff: lineDiff(cur.source, text),
    };
  }

  /**
   * Saves a new version. `baseVersion` is the version the maintainer edited; if someone saved since,
   * the save is refused (409) instead of silently replacing their change.
   */
  async save(
    actor: Actor,
    slug: string,
    input: { source?: unknown; note?: unknown; baseVersion?: unknown },
  ): Promise<{ version: number; diff: DiffLine[] }> {
    const cur = await this.current(slug);
    const user = await requireMaintainer(this.deps.db, actor, cur.project);
    const text = sourceText(input.source);
    const r = parsePolicy(text);
    if (!r.ok) {
      throw new ValidationError(
        r.problems.map((p) => ({
          field: 'source',
          message: `line ${p.line}, column ${p.column}: ${p.message}`,
          line: p.line,
          column: p.column,
        })),
        'The policy file is not valid.',
      );
    }
    const note = typeof input.note === 'string' ? input.note.trim().slice(0, 500) : '';
    const base =
      input.baseVersion === undefined || input.baseVersion === '' ? cur.version : Number(input.baseVersion);
    if (!Number.isInteger(base)) {
      throw new ValidationError([
        { field: 'baseVersion', message: 'The version you edited, a whole number.' },
      ]);
    }
    if (base !== cur.version) {
      throw new ConflictError(
        `The policy changed meanwhile (now version ${cur.version}); reload and edit again.`,
      );
    }
    const version = cur.version + 1;
    const saved = await this.deps.db.transaction().execute(async (trx) => {
      const ok = await policies.insertPolicyVersion(
        trx,
        {
          project_id: cur.project.id,
          version,
          source: text,
          note,
          created_at: iso(this.deps.clock.now()),
          created_by: user.id,
        },
        cur.version,
      );
      if (ok)
        await recordAudit(trx, this.deps, {
          action: 'project.policy-changed',
          actor,
          projectId: cur.project.id,
          target: slug,
          data: { from: cur.version, to: version, ...(note ? { note } : {}) },
        });
      return ok;
    });
    if (!saved) throw new ConflictError('The policy changed meanwhile; reload and edit again.');
    this.parsed.set(`${cur.project.id}:${version}`, r.policy);
    for (const fn of this.listeners) fn(slug);
    return { version, diff: lineDiff(cur.source, text) };
  }

  async securityMd(slug: string): Promise<string> {
    const cur = await this.current(slug);
    return renderSecurityMd(cur.policy, this.renderContext(cur.project));
  }

  /** Signed by the project's OpenPGP key and naming it in `Encryption:` when it has one (RFC 9116 §2.3). */
  async securityTxt(slug: string): Promise<string> {
    const cur = await this.current(slug);
    return this.withProjectKey(cur.project, cur.policy, (p) =>
      renderSecurityTxt(p, this.renderContext(cur.project)),
    );
  }

  private keyService?: ProjectKeyService;
  /**
   * Renders with the project's key (its pgp-key.asc) as the first Encryption entry and clearsigns the
   * result with it; without a key the text is rendered as the policy says and left unsigned.
   */
  private async withProjectKey(project: ProjectRow, policy: Policy, render: (p: Policy) => string) {
    const keys = (this.keyService ??= new ProjectKeyService(this.deps));
    if (!(await keys.publicKey(project.id))) return render(policy);
    const url = this.link(`/p/${project.slug}/pgp-key.asc`);
    const text = render({ ...policy, encryption: [url, ...policy.encryption.filter((u) => u !== url)] });
    return (await keys.clearsign(project.id, text)) ?? text;
  }

  /**
   * The instance's /.well-known/security.txt: with one project it is that project's file (served at
   * both places); with several, every project's report form is a Contact and the home page the Policy.
   */
  async instanceSecurityTxt(): Promise<string> {
    const all = await projects.listProjects(this.deps.db);
    const wellKnown = this.link('/.well-known/security.txt');
    if (all.length === 1) {
      const only = all[0]!;
      const ctx = this.renderContext(only);
      const policy = await this.policyOf(only.id, only.policy_version);
      return this.withProjectKey(only, policy, (p) =>
        renderSecurityTxt(p, { ...ctx, securityTxtUrls: [wellKnown, ...ctx.securityTxtUrls] }),
      );
    }
    const languages = new Set<string>();
    for (const p of all)
      for (const l of (await this.policyOf(p.id, p.policy_version)).preferredLanguages) languages.add(l);
    const instancePolicy: Policy = {
      ...DEFAULT_POLICY,
      contacts: all.slice(1).map((p) => ({ uri: this.link(`/p/${p.slug}/report`) })),
      encryption: [],
      preferredLanguages: [...languages],
    };
    const first = all[0];
    return renderSecurityTxt(instancePolicy, {
      projectName: 'this instance',
      reportUrl: first ? this.link(`/p/${first.slug}/report`) : this.link('/'),
      policyUrl: this.link('/'),
      securityTxtUrls: [wellKnown],
      acknowledgmentsUrl: this.link('/hall-of-fame'),
      csafUrl: this.link('/.well-known/csaf/provider-metadata.json'),
      now: this.deps.clock.now(),
    });
  }

  private renderContext(p: ProjectRow) {
    return {
      projectName: p.name,
      reportUrl: this.link(`/p/${p.slug}/report`),
      policyUrl: this.link(`/p/${p.slug}`),
      securityTxtUrls: [this.link(`/p/${p.slug}/security.txt`)],
      // The instance's hall of fame and CSAF provider cover every project's advisories.
      acknowledgmentsUrl: this.link('/hall-of-fame'),
      csafUrl: this.link('/.well-known/csaf/provider-metadata.json'),
      now: this.deps.clock.now(),
    };
  }

  private link(pathname: string): string {
    return new URL(pathname, this.deps.publicUrl).toString();
  }
}

function sourceText(source: unknown): string {
  if (typeof source !== 'string' || source.trim() === '')
    throw new ValidationError([{ field: 'source', message: 'The policy file (YAML) is required.' }]);
  if (source.length > MAX_SOURCE)
    throw new ValidationError([{ field: 'source', message: `At most ${MAX_SOURCE} characters.` }]);
  return source.replace(/\r\n?/g, '\n');
}
