// Mail intake: a mail to `<slug>@<inbound domain>` opens a case; a mail to a case's reply address
// (reply-address.ts) is threaded into it. The SMTP listener (integrations/mail/inbound-server.ts)
// asks resolveRecipient at RCPT time and hands the whole mail to accept, which commits everything
// the mail causes in one transaction before it returns — so the listener's 250 means "stored".
import type { ParsedMail } from 'mailparser';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import type { Policy } from '../../domain/policy/policy.types.ts';
import type { CaseRow, ProjectRow } from '../../storage/schema.ts';
import * as projects from '../../storage/repositories/project.repository.ts';
import * as cases from '../../storage/repositories/case.repository.ts';
import * as inbound from '../../storage/repositories/inbound-mail.repository.ts';
import { iso, mailSettings, type ServiceDeps } from '../deps.ts';
import type { PolicyService } from '../policy.service.ts';
import type { CaseNotifier } from '../notify/case-notifier.ts';
import type { ProjectKeyService } from '../project-keys.service.ts';
import { parseReplyAddress, splitAddress, type ReplyParty } from './reply-address.ts';
import { authVerdicts } from './auth-results.ts';
export { mailAuthHeaders } from './auth-results.ts';
import {
  fromAddress,
  isAutomatic,
  reportFromMail,
  selectAttachments,
  senderAddress,
  type MailFile,
} from './inbound-mapping.ts';
import { fullText, mailContent, replyBody, type MailContent } from './inbound-content.ts';
import { InboundWrites } from './inbound-writes.ts';
import { reporterLimits } from '../triage/reporter-limits.ts';
import { checkMailReport } from '../triage/mail-requirements.ts';

/** One mail as the listener received it. */
export interface InboundMail {
  /** Size of the raw message in bytes. */
  size: number;
  /** MAIL FROM; null for the null sender `<>` (bounces). */
  envelopeFrom: string | null;
  /** RCPT TO addresses, each already accepted by resolveRecipient. */
  recipients: string[];
  remoteAddress: string | null;
  parsed: ParsedMail;
  /** Authentication-Results header values, topmost first (see mailAuthHeaders). */
  authenticationResults: string[];
  /** Received-SPF header values, topmost first. */
  receivedSpf: string[];
}

export type Recipient =
  { kind: 'report'; project: ProjectRow } | { kind: 'reply'; caseId: string; party: ReplyParty };

export interface AcceptedRecipient {
  recipient: string;
  kind: 'report' | 'reply';
  caseId: string | null;
  /** The new case's key (reports). */
  caseKey?: string;
  /** The new message (replies). */
  messageId?: string;
  /** This Message-ID was already taken for this recipient (a relay retrying): nothing new was written. */
  duplicate: boolean;
  /** Taken but not threaded: an auto-reply or bounce (see isAutomatic). */
  ignored?: 'automatic';
}

/** Longest Message-ID used for de-duplication; longer ones (never seen in practice) are not. */
const MESSAGE_ID_MAX = 900;

interface Planned {
  recipient: string;
  target: Recipient;
  dedupeKey: string | null;
  duplicate: boolean;
  row?: CaseRow;
  author?: { kind: 'reporter' } | { kind: 'user'; userId: string };
  ignored?: 'automatic';
}

export class MailIntakeService {
  private readonly writes: InboundWrites;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly policies: PolicyService,
    notifier: CaseNotifier,
    private readonly projectKeys: Pick<ProjectKeyService, 'decrypt'>,
  ) {
    this.writes = new InboundWrites(deps, notifier);
  }

  /** What an address leads to, or null when this instance takes no mail for it. */
  async resolveRecipient(address: string): Promise<Recipient | null> {
    const parts = splitAddress(address);
    if (!parts || parts.domain !== mailSettings(this.deps).inboundDomain.toLowerCase()) return null;
    const local = parts.local.toLowerCase();
    if (local.startsWith('reply+')) {
      const reply = parseReplyAddress(this.deps, address);
      if (!reply) return null;
      const row = await cases.findCaseById(this.deps.db, reply.caseId);
      return row ? { kind: 'reply', caseId: row.id, party: reply.party } : null;
    }
    const project = await projects.findProjectBySlug(this.deps.db, local);
    return project ? { kind: 'report', project } : null;
  }

  /**
   * Takes a mail for all its recipients in one transaction, committed before this returns. Throws
   * NotFoundError (a recipient vanished) or ForbiddenError (a team reply address used by someone not
   * on the team) for mail to refuse; any other error is transient and the sender should retry.
   */
  async accept(mail: InboundMail): Promise<{ recipients: AcceptedRecipient[] }> {
    const { parsed } = mail;
    const messageId = normaliseMessageId(parsed.messageId);
    const verdicts = authVerdicts(mail.authenticationResults, mail.receivedSpf);
    const automatic = isAutomatic(parsed, mail.envelopeFrom);
    const plans: Planned[] = [];
    const keysOfThisMail = new Set<string>();
    for (const recipient of unique(mail.recipients)) {
      const target = await this.resolveRecipient(recipient);
      if (!target) throw new NotFoundError(`No such mailbox here: ${recipient}`);
      const plan: Planned = { recipient, target, dedupeKey: null, duplicate: false };
      if (messageId) {
        // A Message-ID is kept once per recipient. The column is unique, so a second recipient of the
        // same mail records it as "<id> recipient" (Message-IDs hold no spaces).
        const scoped = `${messageId} ${recipient}`;
        if (await inbound.findInboundMail(this.deps.db, recipient, [messageId, scoped]))
          plan.duplicate = true;
        else if (keysOfThisMail.has(messageId) || (await inbound.messageIdKeyTaken(this.deps.db, messageId)))
          plan.dedupeKey = scoped;
        else plan.dedupeKey = messageId;
        if (plan.dedupeKey) keysOfThisMail.add(plan.dedupeKey);
      }
      if (target.kind === 'reply' && !plan.duplicate) {
        if (automatic) plan.ignored = 'automatic';
        else await this.planReply(plan, target, mail, verdicts.dmarc);
      }
      plans.push(plan);
    }

    // Decrypting and reading the content happens before the transaction (it may take a while).
    const contents = new Map<string, MailContent>();
    const contentFor = async (projectId: string) => {
      let c = contents.get(projectId);
      if (!c) {
        c = await mailContent(parsed, (message) => this.projectKeys.decrypt(projectId, message));
        contents.set(projectId, c);
      }
      return c;
    };
    const policies = new Map<string, Policy>();
    const work: Array<{ plan: Planned; content: MailContent; policy: Policy }> = [];
    for (const plan of plans) {
      if (plan.duplicate || plan.ignored) continue;
      const projectId = plan.target.kind === 'report' ? plan.target.project.id : plan.row!.project_id;
      const version =
        plan.target.kind === 'report' ? plan.target.project.policy_version : plan.row!.policy_version;
      const policyKey = `${projectId}@${version}`;
      if (!policies.has(policyKey)) policies.set(policyKey, await this.policies.policyOf(projectId, version));
      work.push({ plan, content: await contentFor(projectId), policy: policies.get(policyKey)! });
    }

    // Abuse defences before anything is written: the policy's required parts, per-reporter limits.
    await this.admit(work, parsed);
    const now = iso(this.deps.clock.now());
    const results = new Map<Planned, AcceptedRecipient>();
    if (work.length) {
      await this.deps.db.transaction().execute(async (trx) => {
        for (const { plan, content, policy } of work) {
          const record = {
            id: this.deps.random.uuid(),
            message_id_header: plan.dedupeKey,
            received_at: now,
            envelope_from: mail.envelopeFrom?.slice(0, 998) ?? null,
            recipient: plan.recipient,
            remote_address: mail.remoteAddress?.slice(0, 64) ?? null,
            size: mail.size,
            encrypted: content.encrypted ? 1 : 0,
            spf: verdicts.spf,
            dkim: verdicts.dkim,
            dmarc: verdicts.dmarc,
            auth_results: mail.authenticationResults.length ? mail.authenticationResults.join('\n') : null,
          };
          if (plan.target.kind === 'report') {
            const report = reportFromMail(content.subject, content.text);
            const extra: MailFile[] = report.truncated ? [fullText(content.text)] : [];
            const { kept, dropped } = selectAttachments([...extra, ...content.files]);
            const opened = await this.writes.openCase(trx, {
              project: plan.target.project,
              policy,
              report,
              // Lowercased like the form's, so reputation and limits find the reporter's other reports.
              reporterEmail: senderAddress(parsed)?.toLowerCase() ?? null,
              files: kept,
              dropped,
              encrypted: content.encrypted,
              record,
              now,
            });
            results.set(plan, { ...base(plan), caseId: opened.caseId, caseKey: opened.key });
          } else {
            const { body, cut } = replyBody(content);
            const { kept, dropped } = selectAttachments([
              ...(cut ? [fullText(content.text)] : []),
              ...content.files,
            ]);
            const added = await this.writes.addReply(trx, {
              row: plan.row!,
              policy,
              author: plan.author!,
              body,
              files: kept,
              dropped,
              record,
              now,
            });
            results.set(plan, { ...base(plan), caseId: plan.row!.id, messageId: added.messageId });
          }
        }
      });
    }
    return { recipients: plans.map((p) => results.get(p) ?? base(p)) };
  }

  /**
   * Refuses a mail whose report lacks what its project's policy requires (ValidationError → 550) or
   * whose reporter is over a rate limit (TooManyRequestsError → 450, the sender's server retries).
   * The reports of this mail count against the limit while it is checked (a mail to two projects is
   * two reports); a mail is committed before the next one on its connection is read.
   */
  private async admit(
    work: Array<{ plan: Planned; content: MailContent; policy: Policy }>,
    parsed: ParsedMail,
  ): Promise<void> {
    const sender = senderAddress(parsed)?.toLowerCase() ?? null;
    const limits = reporterLimits(this.deps);
    const releases: Array<() => void> = [];
    try {
      for (const { plan, content, policy } of work) {
        if (plan.target.kind === 'report') {
          checkMailReport(policy, reportFromMail(content.subject, content.text), {
            sender,
            files: content.files.length,
            formUrl: new URL(`/p/${plan.target.project.slug}/report`, this.deps.publicUrl).toString(),
          });
          releases.push(await limits.reserveReport(sender ? { email: sender } : null));
        } else if (plan.author?.kind === 'reporter') await limits.checkMessage(plan.row!.id);
      }
    } finally {
      for (const r of releases) r();
    }
  }

  /** Loads the case a reply goes to and decides who wrote it; refuses a team address used by an outsider. */
  private async planReply(
    plan: Planned,
    target: { caseId: string; party: ReplyParty },
    mail: InboundMail,
    dmarc: string | null,
  ) {
    const row = await cases.findCaseById(this.deps.db, target.caseId);
    if (!row) throw new NotFoundError(`No such mailbox here: ${plan.recipient}`);
    plan.row = row;
    if (target.party === 'r') {
      plan.author = { kind: 'reporter' };
      return;
    }
    const from = fromAddress(mail.parsed);
    const user = from ? await inbound.findTeamUserByEmail(this.deps.db, row.project_id, from) : undefined;
    if (!user) throw new ForbiddenError('This reply address takes mail from the security team only.');
    // The relay found the From domain forged: a team member's address must not be borrowed.
    if (dmarc === 'fail') throw new ForbiddenError('The sender domain failed DMARC; the reply was refused.');
    plan.author = { kind: 'user', userId: user.id };
  }
}

function base(p: Planned): AcceptedRecipient {
  return {
    recipient: p.recipient,
    kind: p.target.kind,
    caseId: p.target.kind === 'reply' ? p.target.caseId : null,
    duplicate: p.duplicate,
    ...(p.ignored ? { ignored: p.ignored } : {}),
  };
}

function unique(addresses: string[]): string[] {
  return [...new Set(addresses.map((a) => a.trim().replace(/^<|>$/g, '').toLowerCase()))];
}

function normaliseMessageId(raw: string | undefined): string | null {
  const id = raw?.trim();
  if (!id || id.length > MESSAGE_ID_MAX || /\s/.test(id)) return null;
  return id;
}
