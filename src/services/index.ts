// Wires the services over one set of dependencies.
import type { ServiceDeps } from './deps.ts';
import { AuthService } from './auth.service.ts';
import { ProjectService } from './project.service.ts';
import { CaseService } from './case.service.ts';
import { PolicyService } from './policy.service.ts';
import { ChecklistService } from './checklist.service.ts';
import { NotificationService } from './notification.service.ts';
import { ReminderService } from './reminder.service.ts';
import { MetricsService } from './metrics.service.ts';
import { OpsMetricsService } from './ops-metrics.service.ts';
import { AdvisoryService } from './advisories/advisory.service.ts';
import { AdvisoryPublishingService } from './advisories/advisory-publishing.service.ts';
import { AdvisoryPublicService } from './advisories/advisory-public.service.ts';
import { AdvisoryImportService } from './advisories/advisory-import.service.ts';
import { AdvisoryExportService } from './advisories/advisory-export.service.ts';
import { OsvQueryService } from './advisories/osv-query.service.ts';
import { ProjectKeyService } from './project-keys.service.ts';
import { CaseNotifier } from './notify/case-notifier.ts';
import { AnnouncementService } from './announcements/announcement.service.ts';
import { OutboxAdminService } from './outbox/outbox-admin.service.ts';
import { MailPrefsService } from './mail-prefs.service.ts';
import { MailIntakeService } from './mail/mail-intake.service.ts';
import { WebhookService } from './webhooks/webhook.service.ts';
import { KeyService } from './keys/key.service.ts';
import { TotpService } from './accounts/totp.service.ts';
import { SecondFactorService } from './accounts/second-factor.service.ts';
import { PasskeyService } from './accounts/passkey.service.ts';
import { PasswordResetService } from './accounts/password-reset.service.ts';
import { SessionService } from './accounts/sessions.service.ts';
import { ApiTokenService } from './accounts/api-tokens.service.ts';
import { ProjectSecurityService } from './accounts/project-security.service.ts';
import { CollaboratorService } from './coordination/collaborator.service.ts';
import { PartyService } from './coordination/party.service.ts';
import { PartyActivityService } from './coordination/party-activity.service.ts';
import { EmbargoService } from './coordination/embargo.service.ts';
import { CaseMoveService } from './case-move.service.ts';
import { AuditService } from './audit/audit.service.ts';
import { TriageService } from './triage/triage.service.ts';

export interface Services {
  deps: ServiceDeps;
  auth: AuthService;
  projects: ProjectService;
  cases: CaseService;
  policies: PolicyService;
  checklists: ChecklistService;
  notifications: NotificationService;
  reminders: ReminderService;
  metrics: MetricsService;
  /** Queue depths and overdue cases for the Prometheus scrape (/metrics). */
  opsMetrics: OpsMetricsService;
  advisories: AdvisoryService;
  publishing: AdvisoryPublishingService;
  publicAdvisories: AdvisoryPublicService;
  advisoryImport: AdvisoryImportService;
  advisoryExport: AdvisoryExportService;
  osv: OsvQueryService;
  projectKeys: ProjectKeyService;
  caseNotifier: CaseNotifier;
  announcements: AnnouncementService;
  outbox: OutboxAdminService;
  mailPrefs: MailPrefsService;
  mailIntake: MailIntakeService;
  webhooks: WebhookService;
  keys: KeyService;
  collaborators: CollaboratorService;
  parties: PartyService;
  partyActivity: PartyActivityService;
  embargo: EmbargoService;
  totp: TotpService;
  secondFactor: SecondFactorService;
  passkeys: PasskeyService;
  passwordReset: PasswordResetService;
  sessions: SessionService;
  apiTokens: ApiTokenService;
  projectSecurity: ProjectSecurityService;
  caseMove: CaseMoveService;
  audit: AuditService;
  triage: TriageService;
}

export function createServices(deps: ServiceDeps): Services {
  const auth = new AuthService(deps);
  const totp = new TotpService(deps);
  const secondFactor = new SecondFactorService(deps, totp);
  const policies = new PolicyService(deps);
  const caseNotifier = new CaseNotifier(deps, policies);
  const partyActivity = new PartyActivityService(deps, auth);
  const cases = new CaseService(deps, policies, caseNotifier, partyActivity);
  policies.onChange((slug) => cases.projectChanged(slug));
  const notifications = new NotificationService(deps);
  const advisories = new AdvisoryService(deps);
  const publicAdvisories = new AdvisoryPublicService(deps);
  const projectKeys = new ProjectKeyService(deps);
  const announcements = new AnnouncementService(deps, projectKeys);
  return {
    deps,
    auth,
    projects: new ProjectService(deps, auth),
    cases,
    policies,
    checklists: new ChecklistService(deps, policies),
    notifications,
    reminders: new ReminderService(deps, policies, notifications),
    metrics: new MetricsService(deps, policies),
    opsMetrics: new OpsMetricsService(deps),
    advisories,
    publishing: new AdvisoryPublishingService(deps, advisories, notifications, announcements),
    publicAdvisories,
    advisoryImport: new AdvisoryImportService(deps),
    advisoryExport: new AdvisoryExportService(deps, publicAdvisories),
    osv: new OsvQueryService(deps, publicAdvisories),
    projectKeys,
    caseNotifier,
    announcements,
    outbox: new OutboxAdminService(deps),
    mailPrefs: new MailPrefsService(deps),
    mailIntake: new MailIntakeService(deps, policies, caseNotifier, projectKeys),
    webhooks: new WebhookService(deps),
    keys: new KeyService(deps),
    collaborators: new CollaboratorService(deps, auth),
    parties: new PartyService(deps, auth),
    partyActivity,
    embargo: new EmbargoService(deps, policies, caseNotifier),
    totp,
    secondFactor,
    passkeys: new PasskeyService(deps, totp, secondFactor),
    passwordReset: new PasswordResetService(deps),
    sessions: new SessionService(deps),
    apiTokens: new ApiTokenService(deps),
    projectSecurity: new ProjectSecurityService(deps),
    caseMove: new CaseMoveService(deps, policies, caseNotifier),
    audit: new AuditService(deps),
    triage: new TriageService(deps, cases),
  };
}
