// Maps a CVSS score to a project's own severity scale. The policy sets the minimum score of each
// severity (e.g. {critical: 9, high: 7, medium: 4, low: 0.1}); a score below `low` has no severity.
import { SEVERITIES, type Severity } from './case-state.ts';

export type SeverityScoreMapping = Record<Severity, number>;

/** The CVSS qualitative rating bands, the default when a policy sets no mapping of its own. */
export const DEFAULT_SEVERITY_MAPPING: Readonly<SeverityScoreMapping> = {
  critical: 9,
  high: 7,
  medium: 4,
  low: 0.1,
};

/**
 * The highest severity whose minimum the score reaches, checked from critical down, so a mapping
 * that is not strictly ordered still gives the most severe match. NaN maps to null.
 */
export function severityFromScore(score: number, mapping: SeverityScoreMapping): Severity | null {
  if (Number.isNaN(score)) return null;
  for (const severity of SEVERITIES) {
    if (score >= mapping[severity]) return severity;
  }
  return null;
}
