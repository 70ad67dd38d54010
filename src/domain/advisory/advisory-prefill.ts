// A new draft's content, filled in from the cases it discloses: title, overview from the impact,
// details from the description, the highest severity and the vectors of the most severe case, and
// a credit for each reporter who asked to be named (anonymous reporters are not credited).
import { SEVERITIES, type Severity } from '../case-state.ts';
import type { CreditPreference } from '../report.ts';
import { emptyAdvisoryContent, type AdvisoryContent, type AdvisoryCredit } from './advisory.types.ts';

export interface CaseForAdvisory {
  key: string;
  title: string;
  description: string;
  impact: string;
  suggestedFix: string | null;
  severity: Severity | null;
  cvss3Vector: string | null;
  cvss4Vector: string | null;
  creditPreference: CreditPreference;
  creditName: string | null;
}

const rank = (s: Severity | null) => (s ? SEVERITIES.length - SEVERITIES.indexOf(s) : 0);

export function contentFromCases(cases: CaseForAdvisory[]): AdvisoryContent {
  const content = emptyAdvisoryContent();
  if (cases.length === 0) return content;
  const worst = [...cases].sort((a, b) => rank(b.severity) - rank(a.severity))[0]!;
  content.title = (cases.length === 1 ? cases[0]!.title : `${worst.title} and related issues`).slice(0, 200);
  content.summary = cases
    .map((c) => c.impact.trim())
    .filter(Boolean)
    .join('\n\n');
  content.details =
    cases.length === 1
      ? cases[0]!.description
      : cases.map((c) => `### ${c.title}\n\n${c.description}`).join('\n\n');
  content.severity = worst.severity;
  content.cvss3Vector = worst.cvss3Vector;
  content.cvss4Vector = worst.cvss4Vector;
  const credits: AdvisoryCredit[] = [];
  for (const c of cases) {
    const name = c.creditPreference !== 'anonymous' ? c.creditName?.trim() : undefined;
    if (name && !credits.some((k) => k.name === name)) credits.push({ name, type: 'FINDER' });
  }
  content.credits = credits;
  return content;
}
