// The words of case notification mail. Unless details may travel (the policy allows it, or the mail
// is encrypted to the reader's key) a mail names the case and carries a link: no title, no message
// text — mail about an unfixed vulnerability is read by more servers than its recipient.
import { CASE_STATE_LABELS } from '../../domain/case-state.ts';

export interface MailText {
  subject: string;
  text: string;
}

export interface CaseMailContext {
  key: string;
  projectName: string;
  title: string;
  /** Details (title, message text) may be written into this mail. */
  details: boolean;
  /** Absolute link to read the case (team page, or the reporter's private page). */
  url: string | null;
}

const FOOTER_TEAM = '\n-- \nParley · change which mail you get under Account → Mail preferences.\n';
const FOOTER_REPORTER =
  '\n-- \nThis mail was sent by Parley for the security team. Replying to it adds your reply to the case.\n';

function subjectOf(c: CaseMailContext, what: string): string {
  return c.details ? `[${c.key}] ${what}: ${c.title}`.slice(0, 250) : `[${c.key}] ${what}`;
}

function link(c: CaseMailContext, label: string): string {
  return c.url ? `${label}:\n${c.url}\n` : '';
}

function quoted(body: string): string {
  return body
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

export function teamNewReport(c: CaseMailContext, channel: string): MailText {
  const lines = [
    `A new vulnerability report, ${c.key}, was filed for ${c.projectName} (${channel}).`,
    '',
    ...(c.details ? [`Title: ${c.title}`, ''] : []),
    link(c, 'Read and acknowledge it'),
  ];
  return { subject: subjectOf(c, 'New vulnerability report'), text: lines.join('\n') + FOOTER_TEAM };
}

export function teamReporterReply(c: CaseMailContext, body: string | null): MailText {
  const lines = [
    `The reporter of ${c.key} (${c.projectName}) replied.`,
    '',
    ...(c.details && body ? [quoted(body), ''] : []),
    link(c, 'Read the conversation'),
  ];
  return { subject: subjectOf(c, 'Reporter replied'), text: lines.join('\n') + FOOTER_TEAM };
}

export function teamAssigned(c: CaseMailContext): MailText {
  return {
    subject: subjectOf(c, 'Assigned to you'),
    text:
      [`${c.key} (${c.projectName}) is now assigned to you.`, '', link(c, 'Open it')].join('\n') +
      FOOTER_TEAM,
  };
}

export function reporterReceived(c: CaseMailContext): MailText {
  const lines = [
    `Thank you. Your report to the ${c.projectName} security team was received as ${c.key}.`,
    'The team has been notified and will acknowledge it within the deadline its policy sets.',
    '',
    ...(c.url
      ? [
          'Follow the case, answer questions and choose how you are credited on your private case page.',
          'Keep this link to yourself: anyone who has it can read the case.',
          c.url,
          '',
        ]
      : []),
  ];
  return { subject: subjectOf(c, 'Report received'), text: lines.join('\n') + FOOTER_REPORTER };
}

export function reporterStateChanged(c: CaseMailContext, to: string, resolution: string | null): MailText {
  const label = CASE_STATE_LABELS[to] ?? to;
  const sentence =
    to === 'acknowledged'
      ? `The ${c.projectName} security team acknowledged your report ${c.key}.`
      : to === 'closed'
        ? `Your report ${c.key} was closed${resolution ? ` (${resolution.replace(/-/g, ' ')})` : ''}.`
        : `Your report ${c.key} is now: ${label}.`;
  const lines = [sentence, '', pageHint(c)];
  const what = to === 'acknowledged' ? 'Report acknowledged' : `Status: ${label}`;
  return { subject: subjectOf(c, what), text: lines.join('\n') + FOOTER_REPORTER };
}

export function reporterNeedsInfo(c: CaseMailContext): MailText {
  return {
    subject: subjectOf(c, 'More information needed'),
    text:
      [`The ${c.projectName} security team needs more information about ${c.key}.`, '', pageHint(c)].join(
        '\n',
      ) + FOOTER_REPORTER,
  };
}

export function reporterMessage(c: CaseMailContext, body: string): MailText {
  const lines = [
    `The ${c.projectName} security team wrote about ${c.key}:`,
    '',
    ...(c.details ? [body, ''] : ['(The message is on your case page.)', '']),
    pageHint(c),
  ];
  return { subject: subjectOf(c, 'New message'), text: lines.join('\n') + FOOTER_REPORTER };
}

export function reporterAdvisory(c: CaseMailContext, id: string, title: string, url: string): MailText {
  return {
    subject: `[${c.key}] Advisory ${id} published`,
    text:
      [
        `The advisory for the vulnerability you reported is now public:`,
        '',
        `${id}: ${title}`,
        url,
        '',
        'Thank you for reporting it.',
      ].join('\n') + FOOTER_REPORTER,
  };
}

function pageHint(c: CaseMailContext): string {
  return c.url
    ? `Read it on your case page:\n${c.url}\n`
    : 'Read it on your private case page (the link you got when you reported).\n';
}
