// The policy's report requirements (report.required / report.minLength) as a short note for the policy
// page and the report form, worded by domain/report-requirements.ts like SECURITY.md.
import type { Policy } from '../../../domain/policy/policy.types.ts';
import { requirementsSentence } from '../../../domain/report-requirements.ts';

export function ReportRequirementsNote(props: { policy: Policy }) {
  const sentence = requirementsSentence(props.policy.report);
  if (!sentence) return null;
  return (
    <p class="alert" id="report-requirements">
      {sentence}
    </p>
  );
}
