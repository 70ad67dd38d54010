// Pure helpers of mail intake: who sent a mail, whether a machine did, the text of a reply without the
// quoted mail below it, which attachments fit the limits, and the report fields of a mail. No I/O.
import crypto from 'node:crypto';
import type { ParsedMail, AddressObject } from 'mailparser';
import { isEmail, REPORT_LIMITS } from '../../domain/report.ts';
import { reportFieldsFromText } from '../../domain/report-text.ts';

/** What one mail may bring in; the rest is dropped with a note on the case's timeline. */
export const ATTACHMENT_LIMITS = {
  count: 20,
  bytesEach: 10 * 1024 * 1024,
  bytesTotal: 25 * 1024 * 1024,
} as const;

export interface MailFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface StoredFile extends MailFile {
  size: number;
  sha256: string;
}

export interface DroppedFile {
  filename: string;
  size: number;
  reason: 'too-many' | 'too-large' | 'total-too-large';
}

const FILENAME_MAX = 255;
const CONTENT_TYPE_MAX = 255;

function cleanFilename(name: string | undefined, index: number): string {
  // Path parts and control characters say nothing about the file and confuse downloads.
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/g;
  const base = (name ?? '')
    .replace(/^.*[\\/]/, '')
    .replace(control, '')
    .trim();
  return (base || `attachment-${index + 1}`).slice(0, FILENAME_MAX);
}

/** The attachments that fit ATTACHMENT_LIMITS, in order, and those that did not. */
export function selectAttachments(files: MailFile[]): { kept: StoredFile[]; dropped: DroppedFile[] } {
  const kept: StoredFile[] = [];
  const dropped: DroppedFile[] = [];
  let total = 0;
  files.forEach((f, i) => {
    const filename = cleanFilename(f.filename, i);
    const size = f.content.length;
    if (size > ATTACHMENT_LIMITS.bytesEach) dropped.push({ filename, size, reason: 'too-large' });
    else if (kept.length >= ATTACHMENT_LIMITS.count) dropped.push({ filename, size, reason: 'too-many' });
    else if (total + size > ATTACHMENT_LIMITS.bytesTotal)
      dropped.push({ filename, size, reason: 'total-too-large' });
    else {
      total += size;
      kept.push({
        filename,
        contentType: (f.contentType || 'application/octet-stream').slice(0, CONTENT_TYPE_MAX),
        content: f.content,
        size,
        sha256: crypto.createHash('sha256').update(f.content).digest('hex'),
      });
    }
  });
  return { kept, dropped };
}

/** The attachments of a parsed mail, as intake stores them. */
export function mailFiles(parsed: ParsedMail): MailFile[] {
  return parsed.attachments.map((a) => ({
    filename: a.filename ?? '',
    contentType: a.contentType,
    content: a.content,
  }));
}

function firstAddress(obj: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(obj) ? obj : obj ? [obj] : [];
  for (const o of list) {
    for (const v of o.value) {
      const a = v.address?.trim();
      if (a && isEmail(a)) return a;
    }
  }
  return null;
}

/** The sender's address: From, or Reply-To when From holds no usable address. */
export function senderAddress(parsed: ParsedMail): string | null {
  return firstAddress(parsed.from) ?? firstAddress(parsed.replyTo);
}

/** The From address alone (team replies are matched on it), lowercased. */
export function fromAddress(parsed: ParsedMail): string | null {
  return firstAddress(parsed.from)?.toLowerCase() ?? null;
}

function header(parsed: ParsedMail, name: string): string {
  const v = parsed.headers.get(name);
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
  return '';
}

/**
 * Mail written by a machine: auto-replies, bounces, list traffic (RFC 3834 Auto-Submitted, the de-facto
 * Precedence and X-Autoreply headers, a null envelope sender). Threading these into a case would
 * answer an out-of-office notice with a notification, which answers it again: a mail loop.
 */
export function isAutomatic(parsed: ParsedMail, envelopeFrom: string | null): boolean {
  const auto = header(parsed, 'auto-submitted').trim().toLowerCase();
  if (auto && auto !== 'no') return true;
  if (/^(bulk|junk|list|auto_reply)$/i.test(header(parsed, 'precedence').trim())) return true;
  if (parsed.headers.has('x-autoreply') || parsed.headers.has('x-autorespond')) return true;
  return envelopeFrom === null || envelopeFrom === '';
}

/**
 * A reply without the previous mail quoted below it: trailing `>` lines, the blank lines around them
 * and the "On … wrote:" line that introduces them. Text quoted in between (inline answers) stays.
 */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  while (end > 0 && /^\s*$/.test(lines[end - 1]!)) end--;
  let cut = end;
  while (cut > 0 && (/^\s*>/.test(lines[cut - 1]!) || /^\s*$/.test(lines[cut - 1]!))) cut--;
  if (cut === end) return text.trim();
  // The attribution line may wrap over two lines ("On Mon, … <a@b>\nwrote:").
  const wrote = /\bwrote:\s*$|\bschrieb:\s*$|\ba écrit\s*:\s*$/i;
  if (cut > 0 && wrote.test(lines[cut - 1]!)) {
    cut--;
    if (cut > 0 && /^on\s/i.test(lines[cut - 1]!) && !/^on\s/i.test(lines[cut]!)) cut--;
  }
  const kept = lines.slice(0, cut).join('\n').trim();
  // A reply that is nothing but a quote keeps its quote: better noisy than empty.
  return kept || text.trim();
}

/** Cuts text to `max` code points; `cut` says whether anything was lost. */
export function limitText(text: string, max: number): { text: string; cut: boolean } {
  const chars = Array.from(text);
  return chars.length <= max ? { text, cut: false } : { text: chars.slice(0, max).join(''), cut: true };
}

export interface MailReport {
  title: string;
  description: string;
  stepsToReproduce: string;
  impact: string;
  affectedVersions: string;
  suggestedFix: string | null;
  /** Some field was longer than the form allows; the whole text should be kept as a file. */
  truncated: boolean;
}

/** The report fields of a mail: sections by their headings, the subject as the title. */
export function reportFromMail(subject: string, text: string): MailReport {
  const fields = reportFieldsFromText(subject, text);
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
  const title = limitText(oneLine(subject) || oneLine(fields.title) || '(no subject)', REPORT_LIMITS.title);
  const description = limitText(fields.description, REPORT_LIMITS.description);
  const steps = limitText(fields.stepsToReproduce, REPORT_LIMITS.stepsToReproduce);
  const impact = limitText(fields.impact, REPORT_LIMITS.impact);
  const versions = limitText(fields.affectedVersions, REPORT_LIMITS.affectedVersions);
  const fix = limitText(fields.suggestedFix, REPORT_LIMITS.suggestedFix);
  return {
    title: title.text,
    description: description.text,
    stepsToReproduce: steps.text,
    impact: impact.text,
    affectedVersions: versions.text,
    suggestedFix: fix.text || null,
    truncated: description.cut || steps.cut || impact.cut || versions.cut || fix.cut,
  };
}
