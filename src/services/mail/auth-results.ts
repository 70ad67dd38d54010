// Reads the sender checks a relay recorded in a mail's Authentication-Results headers (RFC 8601) and,
// for SPF, the older Received-SPF header (RFC 7208 §9.1). Parley does no SPF/DKIM/DMARC checking of
// its own; it keeps what the relay in front of it says, for the team to weigh.
import type { ParsedMail } from 'mailparser';

export interface AuthVerdicts {
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
}

/** The longest result kept (the columns are varchar(32)); real results are short words. */
const MAX_RESULT = 32;

/** Drops RFC 5322 comments `( … )`, nested ones included, outside quoted strings. */
function stripComments(value: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '\\' && (quoted || depth > 0)) {
      if (depth === 0) out += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (depth === 0 && ch === '"') quoted = !quoted;
    if (!quoted && ch === '(') {
      depth++;
      continue;
    }
    if (!quoted && ch === ')' && depth > 0) {
      depth--;
      continue;
    }
    if (depth === 0) out += ch;
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function splitResinfo(value: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function result(word: string): string {
  return word.toLowerCase().slice(0, MAX_RESULT);
}

/**
 * The method results of one Authentication-Results header value (without the header name):
 * `mx.example.org; spf=pass smtp.mailfrom=…; dkim=fail header.d=…` → `{ spf: 'pass', dkim: 'fail' }`.
 * Of several results for one method the first counts, except DKIM, where one passing signature is
 * enough (a mail may carry several signatures).
 */
export function parseAuthenticationResults(value: string): Partial<AuthVerdicts> {
  const unfolded = value.replace(/\r?\n[ \t]+/g, ' ');
  const [, ...resinfos] = splitResinfo(stripComments(unfolded)); // the first part is the authserv-id
  const out: Partial<AuthVerdicts> = {};
  for (const info of resinfos) {
    const m = /^([a-z0-9-]+)(?:\s*\/\s*\d+)?\s*=\s*([a-z0-9-]+)/i.exec(info);
    if (!m) continue;
    const method = m[1]!.toLowerCase();
    if (method !== 'spf' && method !== 'dkim' && method !== 'dmarc') continue;
    const r = result(m[2]!);
    if (out[method] === undefined || (method === 'dkim' && r === 'pass')) out[method] = r;
  }
  return out;
}

/** The result word of a Received-SPF header value: `pass (mx: domain of …) client-ip=…` → `pass`. */
export function parseReceivedSpf(value: string): string | null {
  const m = /^\s*([a-z]+)\b/i.exec(stripComments(value.replace(/\r?\n[ \t]+/g, ' ')));
  return m ? result(m[1]!) : null;
}

/**
 * The verdicts of a mail from its headers, topmost first (the relay next to Parley adds its headers on
 * top; a sender can forge lower ones, so for each method the topmost header that reports it wins).
 * Received-SPF fills in SPF when no Authentication-Results header reports it.
 */
export function authVerdicts(authenticationResults: string[], receivedSpf: string[] = []): AuthVerdicts {
  const v: AuthVerdicts = { spf: null, dkim: null, dmarc: null };
  for (const header of authenticationResults) {
    const r = parseAuthenticationResults(header);
    v.spf ??= r.spf ?? null;
    v.dkim ??= r.dkim ?? null;
    v.dmarc ??= r.dmarc ?? null;
  }
  if (v.spf === null) {
    for (const header of receivedSpf) {
      v.spf = parseReceivedSpf(header);
      if (v.spf !== null) break;
    }
  }
  return v;
}

/** The raw values of the named header, topmost first, unfolded, without the header name. */
export function headerValues(
  headerLines: ReadonlyArray<{ key: string; line: string }>,
  name: string,
): string[] {
  const key = name.toLowerCase();
  return headerLines
    .filter((h) => h.key.toLowerCase() === key)
    .map((h) =>
      h.line
        .replace(/^[^:]*:/, '')
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

/** The sender-check headers of a parsed mail, for InboundMail. */
export function mailAuthHeaders(parsed: ParsedMail): {
  authenticationResults: string[];
  receivedSpf: string[];
} {
  return {
    authenticationResults: headerValues(parsed.headerLines, 'authentication-results'),
    receivedSpf: headerValues(parsed.headerLines, 'received-spf'),
  };
}
