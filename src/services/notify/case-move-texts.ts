// The words of the mail about moved cases (see case-move.service.ts): the target team hears that a
// case moved in, the reporter that their report moved or was judged not to be a security issue.
// Same rule as case-mail-texts.ts: without details, no title and no message text — a link instead.
// Project names are public on this instance, so naming both projects to the reporter leaks nothing.
import type { CaseMailContext, MailText } from './case-mail-texts.ts';

const FOOTER_TEAM = '\n-- \nParley · change which mail you get under Account → Mail preferences.\n';
const FOOTER_REPORTER =
  '\n-- \nThis mail was sent by Parley for the security team. Replying to it adds your reply to the case.\n';

function subjectOf(c: CaseMailContext, what: string): string {
  return c.details ? `[${c.key}] ${what}: ${c.title}`.slice(0, 250) : `[${c.key}] ${what}`;
}

const PAGE_HINT =
  'Your private case page (the link you got when you reported) keeps working and shows the case.\n';

export function teamMovedIn(c: CaseMailContext, fromKey: string, fromProject: string): MailText {
  const lines = [
    `A vulnerability report moved to ${c.projectName}: ${fromKey} (${fromProject}) is now ${c.key}.`,
    'Its deadlines keep counting from when the report arrived.',
    '',
    ...(c.details ? [`Title: ${c.title}`, ''] : []),
    ...(c.url ? ['Read it:', c.url, ''] : []),
  ];
  return { subject: subjectOf(c, 'Case moved to your project'), text: lines.join('\n') + FOOTER_TEAM };
}

export function reporterMoved(c: CaseMailContext, fromKey: string, fromProject: string): MailText {
  const lines = [
    `Your report ${fromKey} to the ${fromProject} security team concerns ${c.projectName}, so it was`,
    `handed to the ${c.projectName} security team. It is now ${c.key}; nothing else changes for you.`,
    '',
    PAGE_HINT,
  ];
  return { subject: subjectOf(c, 'Your report moved'), text: lines.join('\n') + FOOTER_REPORTER };
}

export function reporterDowngraded(
  c: CaseMailContext,
  issueUrl: string | null,
  body: string | null,
): MailText {
  const lines = [
    `The ${c.projectName} security team reviewed your report ${c.key} and judged that it is not a`,
    'security vulnerability, so they closed it as "not a vulnerability".',
    '',
    ...(issueUrl ? ['It continues in public as an issue:', issueUrl, ''] : []),
    ...(body
      ? c.details
        ? ['The team wrote:', '', body, '']
        : ['The team wrote a message; it is on your case page.', '']
      : []),
    c.url ? `Read it on your case page:\n${c.url}\n` : PAGE_HINT,
  ];
  return {
    subject: subjectOf(c, 'Not a security issue'),
    text: lines.join('\n') + FOOTER_REPORTER,
  };
}
