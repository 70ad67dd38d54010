// The texts of announcement-list mail: the advisory announcement (signed once, then sent to every
// subscriber), the per-subscriber footer that follows the signed block, and the confirmation and
// "already subscribed" mails. Plain text only: it is what gets signed, and what every reader shows.
import type { AdvisoryContent } from '../../domain/advisory/advisory.types.ts';
import { affectedSummary } from '../../domain/advisory/release-notes.ts';
import { scoreVector } from '../../integrations/cvss/cvss.ts';
import type { ListInfo } from './list-links.ts';

export interface AnnouncementSource {
  id: string;
  projectName: string;
  content: AdvisoryContent;
  /** ISO time of publication (the day is shown). */
  publishedAt: string;
  advisoryUrl: string;
  osvUrl: string;
}

export function severityLabel(severity: string | null): string {
  return severity ? severity[0]!.toUpperCase() + severity.slice(1) : 'Unrated';
}

export function announcementSubject(id: string, content: AdvisoryContent): string {
  // One line: a title with a line break would otherwise split the header.
  const title = content.title.replace(/\s+/g, ' ').trim();
  return `[${id}] ${title} (${severityLabel(content.severity)})`;
}

function cvssLine(vector: string | null): string | null {
  if (!vector) return null;
  try {
    const r = scoreVector(vector);
    return `${r.baseScore.toFixed(1)} ${severityLabel(r.rating)} (${r.vector})`;
  } catch {
    return vector; // an imported vector the scorer refuses is still worth showing as written
  }
}

function section(lines: string[], title: string, text: string) {
  const body = text.trim();
  if (body) lines.push('', `${title}:`, '', body);
}

/**
 * The announcement itself: everything public about the advisory a reader needs to act on it. Lines
 * lose trailing blanks and CRs here because a cleartext signature ignores trailing whitespace, so
 * the text the subscriber reads is exactly the text that verifies.
 */
export function announcementBody(a: AnnouncementSource): string {
  const c = a.content;
  const lines = [`${a.projectName} security advisory ${a.id}`, ''];
  const field = (label: string, value: string | null | undefined) => {
    if (value) lines.push(`${`${label}:`.padEnd(11)}${value}`);
  };
  field('Title', c.title.replace(/\s+/g, ' ').trim());
  field('Severity', severityLabel(c.severity));
  field('CVSS', cvssLine(c.cvss3Vector));
  field('CVSS', cvssLine(c.cvss4Vector));
  field('CVE', c.cveIds.join(', '));
  field('CWE', c.cwes.map((w) => w.id).join(', '));
  field('Published', a.publishedAt.slice(0, 10));
  field('Advisory', a.advisoryUrl);
  field('OSV', a.osvUrl);

  const affected = affectedSummary(c);
  if (affected.length) {
    lines.push('', 'Affected packages:', '');
    for (const p of affected) {
      lines.push(`* ${p.pkg}`, `  affected: ${p.affected}`);
      lines.push(`  fixed in: ${p.fixed.length ? p.fixed.join(', ') : 'no fixed version yet'}`);
    }
  }
  section(lines, 'Summary', c.summary || c.details);
  section(lines, 'Workarounds', c.workarounds);
  section(lines, 'How to upgrade', c.upgrade);
  if (c.references.length) {
    lines.push('', 'References:', '');
    for (const r of c.references) lines.push(`* ${r.url} (${r.type.toLowerCase()})`);
  }
  if (c.credits.length) {
    lines.push('', 'Credits:', '');
    for (const r of c.credits) {
      lines.push(`* ${r.name}${r.type ? ` (${r.type.toLowerCase().replace(/_/g, ' ')})` : ''}`);
    }
  }
  lines.push('', `The full advisory: ${a.advisoryUrl}`);
  return lines
    .join('\n')
    .split(/\r?\n/)
    .map((l) => l.replace(/[ \t\r]+$/, ''))
    .join('\n')
    .concat('\n');
}

/** Follows the signed block (like Debian's DSA lists): it differs per subscriber, so it is not signed. */
export function announcementFooter(email: string, list: ListInfo, unsubscribeUrl: string): string {
  return [
    '',
    '-- ',
    `You receive this because ${email} is subscribed to ${list.name}.`,
    `Unsubscribe with one click: ${unsubscribeUrl}`,
    '',
  ].join('\n');
}

export function confirmationMail(email: string, list: ListInfo, link: string, site: string) {
  return {
    subject: `Confirm your subscription to ${list.name}`,
    text: [
      'Hello,',
      '',
      `someone, probably you, asked to receive ${list.name}`,
      `at this address (${email}).`,
      '',
      'To confirm, open this link within 7 days and press the button:',
      '',
      link,
      '',
      'If you did not ask for this, ignore this mail: nothing more is sent',
      'to you unless the subscription is confirmed.',
      '',
      '-- ',
      site,
      '',
    ].join('\n'),
  };
}

export function alreadySubscribedMail(email: string, list: ListInfo, unsubscribe: string, site: string) {
  return {
    subject: `You are already subscribed to ${list.name}`,
    text: [
      'Hello,',
      '',
      `someone, probably you, asked to subscribe ${email} to`,
      `${list.name}. This address is already subscribed, so nothing changed.`,
      '',
      'To stop receiving these announcements, use the link at the end of any',
      'announcement, or this one:',
      '',
      unsubscribe,
      '',
      '-- ',
      site,
      '',
    ].join('\n'),
  };
}
