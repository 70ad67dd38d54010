// Report intake: validates a report, gives it its secret reporter token and hands it to the batched
// writer (storage/report-intake.ts), which numbers and commits it. Public: no account needed.
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import { checkVersions } from '../domain/policy/supported-versions.ts';
import type { Policy } from '../domain/policy/policy.types.ts';
import type { PolicyService } from './policy.service.ts';
import { nextDueAt } from './case-clocks.ts';
import { readReportInput } from './encrypted-report.ts';
import type { ReportInput } from '../domain/report.ts';
import { reporterLimits } from './triage/reporter-limits.ts';
import { ProjectKeyService } from './project-keys.service.ts';
import type { ProjectRow } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import { kyselyBatchWriter, reportWriter, type ReportWriter } from '../storage/report-intake.ts';
import { hashSecret, iso, type ServiceDeps } from './deps.ts';
import { CASE_TOKEN_PREFIX } from './auth.service.ts';
import { reportCreatedJob, type CaseNotifier } from './notify/case-notifier.ts';

export interface SubmittedReport {
  id: string;
  key: string;
  /** The reporter's secret; shown once, stored only hashed. */
  accessToken: string;
  casePath: string;
}

/** How long a found project is kept; see decision 17. */
const PROJECT_TTL_MS = 5_000;

export class ReportIntake {
  /** Concurrent submissions are written, numbered and committed together. */
  private readonly writeReport: ReportWriter;
  /**
   * Intake looks its project up on every report; under a flood that lookup is a noticeable share of
   * the work, and a project's id and key never change, so found projects are kept for a few seconds.
   * Unknown slugs are not cached, so a new project takes reports at once.
   */
  private readonly projectCache = new Map<string, { project: ProjectRow; until: number }>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
    /** When set, each report carries the job that sends its notifications (see CaseNotifier). */
    private readonly notifier?: CaseNotifier,
  ) {
    this.writeReport = reportWriter(deps.writeReportBatch ?? kyselyBatchWriter(deps.db));
  }

  /** Opens encrypted reports (unlocked keys are cached across instances; see project-keys.service.ts). */
  private keyService?: ProjectKeyService;
  private get keys(): ProjectKeyService {
    return (this.keyService ??= new ProjectKeyService(this.deps));
  }

  /** Committed durably before it returns. */
  async submit(slug: string, raw: Record<string, unknown>, channel: 'web' | 'api'): Promise<SubmittedReport> {
    const project = await this.project(slug);
    const policy = await this.policies.policyOf(project.id, project.policy_version);
    const { input, encrypted } = await readReportInput(this.keys, project.id, raw, policy.report);
    checkScopeCategory(policy, input.scopeCategory);
    // Per-reporter limits (triage/reporter-limits.ts): counted as pending until the write settles.
    const release = await reporterLimits(this.deps).reserveReport(
      input.reporterEmail ? { email: input.reporterEmail } : null,
    );
    try {
      return await this.write(project, policy, input, encrypted, channel);
    } finally {
      release();
    }
  }

  private async write(
    project: ProjectRow,
    policy: Policy,
    input: ReportInput,
    encrypted: boolean,
    channel: 'web' | 'api',
  ): Promise<SubmittedReport> {
    const token = CASE_TOKEN_PREFIX + this.deps.random.token(32);
    const id = this.deps.random.uuid();
    const at = this.deps.clock.now();
    const now = iso(at);
    const versionStatus = checkVersions(policy, input.affectedVersions).status;
    const nextDue = nextDueAt(
      policy,
      {
        created_at: now,
        acknowledged_at: null,
        triaged_at: null,
        fixed_at: null,
        disclosed_at: null,
        closed_at: null,
        resolution: null,
        severity: null,
      },
      at,
    );
    const { key } = await this.writeReport({
      projectKey: project.key,
      row: {
        id,
        project_id: project.id,
        title: input.title,
        description: input.description,
        steps_to_reproduce: input.stepsToReproduce,
        impact: input.impact,
        affected_versions: input.affectedVersions,
        suggested_fix: input.suggestedFix,
        reporter_email: input.reporterEmail,
        reporter_pgp_key: input.reporterPgpKey ?? null,
        reporter_user_id: null,
        reporter_token_hash: hashSecret(token),
        credit_preference: input.creditPreference,
        credit_name: input.creditName,
        channel,
        state: 'new',
        needs_info: 0,
        created_at: now,
        updated_at: now,
        policy_version: project.policy_version,
        version_status: versionStatus,
        scope_category: input.scopeCategory,
        next_due_at: nextDue,
      },
      event: {
        at: now,
        type: 'report.created',
        actor_kind: 'reporter',
        actor_user_id: null,
        visibility: 'reporter',
        message_id: null,
        data: JSON.stringify({
          channel,
          policyVersion: project.policy_version,
          ...(encrypted ? { encrypted: true } : {}),
        }),
      },
      // The notifications of the report, as a job committed with it (see CaseNotifier).
      ...(this.notifier ? { job: reportCreatedJob(id, now, this.deps.random.uuid()) } : {}),
    });
    return { id, key, accessToken: token, casePath: `/c/${token}` };
  }

  /** Drops a cached project (its policy version changed). */
  forgetProject(slug: string): void {
    this.projectCache.delete(slug);
  }

  private async project(slug: string): Promise<ProjectRow> {
    const now = this.deps.clock.now().getTime();
    const hit = this.projectCache.get(slug);
    if (hit && hit.until > now) return hit.project;
    const project = await projects.findProjectBySlug(this.deps.db, slug);
    if (!project) throw new NotFoundError('No such project.');
    if (this.projectCache.size > 1000) this.projectCache.clear();
    this.projectCache.set(slug, { project, until: now + PROJECT_TTL_MS });
    return project;
  }
}

/** An out-of-scope category must be one the policy lists (it can still be submitted; the team sees it). */
function checkScopeCategory(policy: Policy, category: string | null): void {
  if (category === null) return;
  const ids = policy.scope.outOfScope.map((i) => i.id);
  if (!ids.includes(category)) {
    throw new ValidationError(
      [
        {
          field: 'scopeCategory',
          message: ids.length
            ? `Use one of: in-scope, ${ids.join(', ')}.`
            : 'This project lists no categories; leave it out.',
        },
      ],
      'The report has errors; nothing was submitted.',
    );
  }
}
