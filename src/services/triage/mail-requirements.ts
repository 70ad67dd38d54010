// The policy's report requirements applied to a mailed report, before anything is stored: a mail that
// lacks a required part is refused during the SMTP session (550, so the sender's own server tells
// them, and Parley sends no mail of its own to a possibly forged address), with what is missing and
// how to give it in the reply text.
import { ValidationError } from '../../domain/errors.ts';
import type { Policy } from '../../domain/policy/policy.types.ts';
import { policyRequirementErrors } from '../../domain/report-requirements.ts';
import type { MailReport } from '../mail/inbound-mapping.ts';

const HEADINGS: Record<string, string> = {
  title: 'the Subject',
  description: '"Description:"',
  stepsToReproduce: '"Steps to reproduce:" (or attach the proof of concept)',
  impact: '"Impact:"',
  affectedVersions: '"Affected versions:"',
  suggestedFix: '"Suggested fix:"',
  reporterEmail: 'a From address',
};

export function checkMailReport(
  policy: Policy,
  report: MailReport,
  opts: { sender: string | null; files: number; formUrl: string },
): void {
  const errors = policyRequirementErrors({ ...report, reporterEmail: opts.sender }, policy.report, {
    proofAttached: opts.files > 0,
  });
  if (!errors.length) return;
  const missing = errors.map((e) => `${e.message} (section ${HEADINGS[e.field] ?? e.field})`).join('; ');
  throw new ValidationError(
    errors,
    `Report refused: this project's policy requires parts the mail lacks: ${missing}. ` +
      `Start each part with its heading on a line of its own, or use the form at ${opts.formUrl}`,
  );
}
