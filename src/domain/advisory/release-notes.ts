// The "security release notes" snippet: a short Markdown block a maintainer pastes into a release's
// notes — severity, what is affected, the fixed versions and the upgrade steps, with a link.
import type { AdvisoryContent } from './advisory.types.ts';

function describeEvents(events: Record<string, string>[]): string {
  const parts: string[] = [];
  let from: string | undefined;
  for (const e of events) {
    if ('introduced' in e) from = e.introduced === '0' ? undefined : e.introduced;
    const end = e.fixed ?? e.last_affected ?? e.limit;
    if (end !== undefined) {
      const op = 'fixed' in e || 'limit' in e ? '<' : '<=';
      parts.push(from ? `>= ${from}, ${op} ${end}` : `${op} ${end}`);
      from = undefined;
    }
  }
  if (from !== undefined || (parts.length === 0 && events.some((e) => 'introduced' in e))) {
    parts.push(from ? `>= ${from}` : 'all versions');
  }
  return parts.join('; ');
}

/** Human-readable affected ranges of each package, e.g. "npm left-pad: >= 1.0.0, < 1.3.1". */
export function affectedSummary(
  content: AdvisoryContent,
): { pkg: string; affected: string; fixed: string[] }[] {
  return content.affected.map((p) => {
    const ranges = p.ranges
      .filter((r) => r.type !== 'GIT')
      .map((r) => describeEvents(r.events as Record<string, string>[]))
      .filter(Boolean);
    if (p.versions.length)
      ranges.push(p.versions.length <= 8 ? p.versions.join(', ') : `${p.versions.length} listed versions`);
    const fixed = p.ranges.flatMap((r) =>
      r.type === 'GIT' ? [] : r.events.flatMap((e) => ('fixed' in e ? [e.fixed] : [])),
    );
    return { pkg: `${p.ecosystem} ${p.name}`, affected: ranges.join('; ') || 'see advisory', fixed };
  });
}

export function releaseNotes(id: string, url: string, content: AdvisoryContent): string {
  const sev = content.severity ? content.severity[0]!.toUpperCase() + content.severity.slice(1) : 'Unrated';
  const lines = [`### Security: ${content.title} (${id})`, '', `**Severity:** ${sev}`];
  if (content.cveIds.length) lines.push(`**CVE:** ${content.cveIds.join(', ')}`);
  lines.push('');
  for (const a of affectedSummary(content)) {
    lines.push(
      `- **${a.pkg}** — affected: ${a.affected}${a.fixed.length ? `; fixed in ${a.fixed.join(', ')}` : ''}`,
    );
  }
  if (content.upgrade.trim()) lines.push('', '**Upgrade:**', '', content.upgrade.trim());
  else if (content.workarounds.trim()) lines.push('', '**Workaround:**', '', content.workarounds.trim());
  lines.push('', `Full advisory: ${url}`, '');
  return lines.join('\n');
}
