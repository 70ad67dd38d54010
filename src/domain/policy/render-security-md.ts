// SECURITY.md (GitHub-flavoured Markdown) from a policy: status notes, supported versions, how to report,
// what (not) to report, the response deadlines per severity, disclosure, credit, announcements, process,
// timeline and checklists. Every commitment of the policy appears; nothing is added that it does not say.
import { reportRequirements, type RequirementField } from '../report-requirements.ts';
import { SEVERITIES, type Severity } from '../case-state.ts';
import { formatDuration } from './duration.ts';
import { CLOCKS, type ClockName, type Duration, type Policy, type ScopeItem } from './policy.types.ts';
import { alert, bullet, cell, indentRest, link, plain, table } from './render-markdown.ts';
import { oneLine, type PolicyRenderContext } from './render-context.ts';
import { supportedVersionsTable } from './supported-versions.ts';

export type { PolicyRenderContext } from './render-context.ts';

const SEVERITY_WORDS: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};
const CLOCK_WORDS: Record<ClockName, string> = {
  acknowledge: 'Acknowledgement',
  assess: 'Initial assessment',
  fix: 'Fix',
  disclose: 'Disclosure',
};
const DAY_WORDS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** The clock that applies to a severity (its own, else the default), or undefined when there is none. */
export function effectiveClock(
  policy: Policy,
  severity: Severity | null,
  clock: ClockName,
): Duration | undefined {
  return (severity && policy.sla.bySeverity[severity]?.[clock]) || policy.sla.default[clock];
}

function listWords(words: string[]): string {
  return words.length <= 1
    ? (words[0] ?? '')
    : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** `Monday to Friday`, `Sunday to Thursday`, or `Monday, Wednesday and Friday` when the days are no run. */
export function businessDayWords(days: number[]): string {
  const set = [...new Set(days)].sort((a, b) => a - b);
  if (set.length === 7) return 'Monday to Sunday';
  // A run may wrap around the end of the ISO week (Sunday is 7): start it after the gap.
  const start = set.findIndex((d) => !set.includes(d === 1 ? 7 : d - 1));
  if (set.length > 2 && set.length < 7 && start >= 0) {
    const first = set[start]!;
    const isRun = set.every((_d, i) => set.includes(((first - 1 + i) % 7) + 1));
    if (isRun) return `${DAY_WORDS[first - 1]} to ${DAY_WORDS[(first - 2 + set.length) % 7]}`;
  }
  return listWords(set.map((d) => DAY_WORDS[d - 1]!));
}

function scoreRange(policy: Policy, s: Severity): string {
  const m = policy.severity.mapping;
  const i = SEVERITIES.indexOf(s);
  const upper = i === 0 ? 10 : m[SEVERITIES[i - 1]!] - 0.1;
  return `${m[s].toFixed(1)}–${upper.toFixed(1)}`;
}

function scopeList(items: ScopeItem[], instead: string): string[] {
  return items.map((it) => {
    let text = `**${oneLine(it.title)}**`;
    if (it.reason?.trim()) text += ` — ${it.reason.trim()}`;
    if (it.redirect?.trim()) text += `\n${instead} ${it.redirect.trim()}`;
    return bullet(text);
  });
}

function section(out: string[], title: string, lines: string[]) {
  if (lines.length) out.push('', `## ${title}`, '', ...lines);
}

function reporting(policy: Policy, ctx: PolicyRenderContext): string[] {
  const out = [
    'Please do not report security vulnerabilities in public issues, pull requests or discussions. Report them privately:',
    '',
    `- **Report form (preferred):** ${link(ctx.reportUrl)}`,
    ...policy.contacts.map((c) => `- ${c.label ? `${plain(oneLine(c.label))}: ` : ''}${link(c.uri)}`),
  ];
  if (policy.encryption.length)
    out.push(
      '',
      'You may encrypt your report to one of these OpenPGP keys:',
      '',
      ...policy.encryption.map((k) => `- ${link(k)}`),
    );
  if (policy.report.intro?.trim()) out.push('', plain(policy.report.intro.trim()));
  out.push('', 'Please include:', '', ...includeList(policy));
  const ack = policy.sla.default.acknowledge;
  if (ack) {
    const faster = SEVERITIES.some((s) => policy.sla.bySeverity[s]?.acknowledge);
    out.push(
      '',
      `We acknowledge reports within ${formatDuration(ack)}${faster ? ' (per severity: see “What to expect”)' : ''}.`,
    );
  }
  if (policy.preferredLanguages.length)
    out.push(
      '',
      `We read reports in: ${policy.preferredLanguages.map((l) => plain(oneLine(l))).join(', ')}.`,
    );
  return out;
}

/** What a report should hold, each marked with what the policy requires of it (report-requirements.ts). */
function includeList(policy: Policy): string[] {
  const req = reportRequirements(policy.report);
  const mark = (f: RequirementField) => {
    const min = req.policy.min[f];
    if (min) return ` (required, at least ${min} characters)`;
    // Title, description and versions are always required; only a policy minimum is worth saying.
    return req.required.has(f) && !['description', 'affectedVersions'].includes(f) ? ' (required)' : '';
  };
  const poc = req.policy.required.has('stepsToReproduce') ? ', with a proof of concept' : '';
  const lines = [
    `- a description of the vulnerability${mark('description')}`,
    `- steps to reproduce it${poc}${mark('stepsToReproduce')}`,
    `- its impact: what an attacker can achieve${mark('impact')}`,
    `- the affected versions${mark('affectedVersions')}`,
    req.required.has('suggestedFix')
      ? `- a suggested fix or mitigation${mark('suggestedFix')}`
      : '- a suggested fix or mitigation, if you have one',
  ];
  if (req.required.has('reporterEmail')) lines.push('- an e-mail address to reach you (required)');
  if (req.policy.required.size)
    lines.push(
      '',
      'Reports without the required parts are refused, by e-mail too: there, start each part with its heading (for example “Steps to reproduce:”).',
    );
  return lines;
}

function expectations(policy: Policy): string[] {
  const show = (d: Duration | undefined) => (d ? formatDuration(d) : '—');
  const rows = SEVERITIES.map((s) => [
    SEVERITY_WORDS[s],
    scoreRange(policy, s),
    ...CLOCKS.map((c) => show(effectiveClock(policy, s, c))),
  ]);
  rows.push(['Not yet rated', '—', ...CLOCKS.map((c) => show(policy.sla.default[c]))]);
  const sla = policy.sla;
  const hasRange = [sla.default, ...Object.values(sla.bySeverity)].some((set) =>
    CLOCKS.some((c) => set?.[c]?.from != null),
  );
  const weekdaysOnly = sla.businessDays.join() === '1,2,3,4,5';
  return [
    'Our deadlines, by severity (CVSS base score):',
    '',
    ...table(['Severity', 'CVSS', ...CLOCKS.map((c) => CLOCK_WORDS[c])], rows),
    '',
    'Acknowledgement is counted from receipt of the report, the initial assessment from acknowledgement, ' +
      'and fix and disclosure from the initial assessment (triage).' +
      (hasRange ? ' Where a range is given, we aim for the shorter time and commit to the longer.' : ''),
    '',
    `Days are counted in the ${sla.timeZone} time zone. Business days are ${businessDayWords(sla.businessDays)}` +
      (weekdaysOnly ? '; weekends' : '; other days') +
      (sla.holidays.length
        ? ` and these holidays do not count: ${sla.holidays.join(', ')}.`
        : ' do not count.'),
    '',
    sla.needsInfoPausesClocks
      ? 'While we wait for information we asked you for, these clocks are paused.'
      : 'These clocks keep running while we wait for information we asked you for.',
  ];
}

function disclosure(policy: Policy): string[] {
  const d = policy.disclosure;
  const out = [
    bullet(
      `Unless agreed otherwise with the reporter, details become public ${d.defaultEmbargoDays} days after the report. An embargo never lasts longer than ${d.maxEmbargoDays} days.`,
    ),
  ];
  if (d.discloseWhenMitigationExists)
    out.push(bullet('As soon as a mitigation exists, we publish it, even before a fix is released.'));
  if (d.notes?.trim()) out.push('', d.notes.trim());
  return out;
}

function credit(policy: Policy, ctx: PolicyRenderContext): string[] {
  const out: string[] = [];
  if (policy.credit.reporterChooses)
    out.push('You choose how you are credited in the advisory: by name, by handle, or not at all.');
  if (policy.credit.notes?.trim()) out.push(...(out.length ? [''] : []), policy.credit.notes.trim());
  if (ctx.acknowledgmentsUrl)
    out.push(...(out.length ? [''] : []), `Hall of fame: ${link(ctx.acknowledgmentsUrl)}`);
  return out;
}

export function renderSecurityMd(policy: Policy, ctx: PolicyRenderContext): string {
  const out: string[] = [`# Security policy of ${plain(oneLine(ctx.projectName))}`];
  if (policy.statusNotes.length) out.push('', ...alert('WARNING', policy.statusNotes));
  if (policy.summary?.trim()) out.push('', policy.summary.trim());

  const versions = supportedVersionsTable(policy);
  section(
    out,
    'Supported versions',
    versions.length
      ? [
          ...table(
            ['Versions', 'Supported', 'Notes'],
            versions.map((v) => [cell(v.range), v.mark, cell(v.note)]),
          ),
          '',
          'Only versions marked ✅ receive security fixes; the first row that matches a version applies.',
        ]
      : [
          'This policy does not list supported versions; please check whether the latest release is affected.',
        ],
  );
  section(out, 'Reporting a vulnerability', reporting(policy, ctx));
  section(out, 'What to report', scopeList(policy.scope.inScope, 'See also:'));
  section(out, 'What not to report', scopeList(policy.scope.outOfScope, 'Instead:'));
  section(out, 'What to expect', expectations(policy));
  section(out, 'Disclosure', disclosure(policy));
  section(out, 'Credit', credit(policy, ctx));
  section(
    out,
    'Announcements',
    policy.announcements.map((a) =>
      bullet(`**${plain(oneLine(a.name))}:** ${link(a.uri)}${a.notes?.trim() ? ` — ${a.notes.trim()}` : ''}`),
    ),
  );
  section(out, 'Process', policy.process?.trim() ? [policy.process.trim()] : []);
  section(
    out,
    'Timeline',
    policy.timeline.map((t) => bullet(`**${plain(oneLine(t.when))}:** ${t.what.trim()}`)),
  );
  section(
    out,
    'Checklists',
    policy.checklists.flatMap((c, i) => [
      ...(i ? [''] : []),
      `### ${plain(oneLine(c.title))}`,
      '',
      ...c.items.map((it) => `- [ ] ${indentRest(it.text, '      ')}`),
    ]),
  );
  const where = [`This policy is published at ${link(ctx.policyUrl)}`];
  if (ctx.securityTxtUrls[0]) where.push(`with contacts for tools in ${link(ctx.securityTxtUrls[0])}`);
  out.push('', '---', '', `${where.join(', ')}.`);
  return out.join('\n') + '\n';
}
