// Report intake: validates a report, gives it its secret reporter token and hands it to the batched
// writer (storage/report-intake.ts), which numbers and commits it. Public: no account needed.
import { NotFoundError } from '../domain/errors.ts';
import { parseReportInput } from '../domain/report.ts';
import type { ProjectRow } from '../storage/schema.ts';
import * as projects from '../storage/repositories/project.repository.ts';
import { kyselyBatchWriter, reportWriter, type ReportWriter } from '../storage/report-intake.ts';
import { hashSecret, iso, type ServiceDeps } from './deps.ts';
import { CASE_TOKEN_PREFIX } from './auth.service.ts';

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

  constructor(private readonly deps: ServiceDeps) {
    this.writeReport = reportWriter(deps.writeReportBatch ?? kyselyBatchWriter(deps.db));
  }

  /** Committed durably before it returns. */
  async submit(slug: string, raw: Record<string, unknown>, channel: 'web' | 'api'): Promise<SubmittedReport> {
    const project = await this.project(slug);
    const input = parseReportInput(raw);
    const token = CASE_TOKEN_PREFIX + this.deps.random.token(32);
    const id = this.deps.random.uuid();
    const now = iso(this.deps.clock.now());
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
        reporter_user_id: null,
        reporter_token_hash: hashSecret(token),
        credit_preference: input.creditPreference,
        credit_name: input.creditName,
        channel,
        state: 'new',
        needs_info: 0,
        created_at: now,
        updated_at: now,
      },
      event: {
        at: now,
        type: 'report.created',
        actor_kind: 'reporter',
        actor_user_id: null,
        visibility: 'reporter',
        message_id: null,
        data: JSON.stringify({ channel }),
      },
    });
    return { id, key, accessToken: token, casePath: `/c/${token}` };
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
