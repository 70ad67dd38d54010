// The words of coordination mail: invitations of collaborators and party contacts, messages to
// parties, embargo changes and reminders. Like case mail, details travel only in encrypted mail;
// otherwise a mail names the case and carries a link.
import type { MailText } from '../notify/case-mail-texts.ts';
import { embargoLine, type EmbargoView } from '../../domain/embargo.ts';

export interface CoordinationMailContext {
  key: string;
  projectName: string;
  url: string;
  /** An account activation link for someone who has no password yet. */
  activationUrl?: string | undefined;
  embargo: EmbargoView | null;
}

const FOOTER =
  '\n-- \nSent by Parley for the security team. This case is under embargo: do not share it beyond\nthe people who need to know.\n';

function access(c: CoordinationMailContext): string[] {
  return c.activationUrl
    ? ['Set a password for your account first (the link works once, for 7 days):', c.activationUrl, '']
    : [];
}

function embargo(c: CoordinationMailContext): string[] {
  return c.embargo ? [`Embargo until ${embargoLine(c.embargo)}.`, ''] : [];
}

export function collaboratorInvited(c: CoordinationMailContext, inviter: string): MailText {
  return {
    subject: `[${c.key}] You were added to a security case`,
    text:
      [
        `${inviter} added you to ${c.key} (${c.projectName}) so you can help with it.`,
        'You see this one case only.',
        '',
        ...embargo(c),
        ...access(c),
        'Read it:',
        c.url,
      ].join('\n') + FOOTER,
  };
}

export function partyInvited(
  c: CoordinationMailContext,
  organisation: string,
  summary: string | null,
): MailText {
  return {
    subject: `[${c.key}] Vulnerability coordination: ${organisation} is invited`,
    text:
      [
        `The ${c.projectName} security team invites ${organisation} to coordinate on ${c.key}, a vulnerability`,
        'that may affect what you ship. Please tell them whether you are affected.',
        '',
        ...embargo(c),
        ...(summary ? ['Summary:', summary, ''] : []),
        ...access(c),
        'Read the case and answer:',
        c.url,
      ].join('\n') + FOOTER,
  };
}

export function partyMessage(c: CoordinationMailContext, body: string | null): MailText {
  return {
    subject: `[${c.key}] New message from the ${c.projectName} security team`,
    text:
      [
        `The security team wrote on ${c.key}.`,
        '',
        ...(body ? [body, ''] : []),
        ...embargo(c),
        'Read and answer:',
        c.url,
      ].join('\n') + FOOTER,
  };
}

export function embargoChanged(c: CoordinationMailContext): MailText {
  return {
    subject: `[${c.key}] The embargo ${c.embargo ? 'changed' : 'was lifted'}`,
    text:
      [
        c.embargo
          ? `The embargo of ${c.key} (${c.projectName}) now ends ${embargoLine(c.embargo)}.`
          : `The embargo of ${c.key} (${c.projectName}) was removed: no end date is set now.`,
        '',
        'Details:',
        c.url,
      ].join('\n') + FOOTER,
  };
}

export function partyReminder(c: CoordinationMailContext, organisation: string): MailText {
  return {
    subject: `[${c.key}] Reminder: is ${organisation} affected?`,
    text:
      [
        `The ${c.projectName} security team is still waiting to hear from ${organisation} on ${c.key}.`,
        'Please open the case and set your status (affected, not affected, fixed).',
        '',
        ...embargo(c),
        c.url,
      ].join('\n') + FOOTER,
  };
}

export function teamPartyActivity(key: string, organisation: string, what: string, url: string): MailText {
  return {
    subject: `[${key}] ${organisation} ${what}`,
    text: [`${organisation} ${what} on ${key}.`, '', url].join('\n') + '\n-- \nParley\n',
  };
}
