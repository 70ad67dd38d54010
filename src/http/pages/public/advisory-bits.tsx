// Small pieces shared by the public advisory pages: links, dates, badges and labels.
import type { CreditType } from '../../../domain/advisory/advisory.types.ts';

/** The page of a public advisory. Ids are limited to URL-safe characters, but encode anyway. */
export function advisoryPath(id: string): string {
  return `/advisories/${encodeURIComponent(id)}`;
}

/** A calendar day (UTC) for lists, with the full timestamp kept machine-readable. */
export function Day(props: { at: string }) {
  return <time datetime={props.at}>{props.at.slice(0, 10)}</time>;
}

export function WithdrawnBadge(props: { state: string }) {
  if (props.state !== 'withdrawn') return null;
  return <span class="badge withdrawn">Withdrawn</span>;
}

const CREDIT_LABEL: Record<CreditType, string> = {
  FINDER: 'Finder',
  REPORTER: 'Reporter',
  ANALYST: 'Analyst',
  COORDINATOR: 'Coordinator',
  REMEDIATION_DEVELOPER: 'Remediation developer',
  REMEDIATION_REVIEWER: 'Remediation reviewer',
  REMEDIATION_VERIFIER: 'Remediation verifier',
  TOOL: 'Tool',
  SPONSOR: 'Sponsor',
  OTHER: 'Other',
};

export function creditLabel(type: string | null | undefined): string | null {
  if (!type) return null;
  return CREDIT_LABEL[type as CreditType] ?? type;
}

/** "high" → "High"; for feed titles and labels. */
export function severityLabel(severity: string | null): string {
  return severity ? severity[0]!.toUpperCase() + severity.slice(1) : 'Unrated';
}
