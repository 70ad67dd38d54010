// security.txt (RFC 9116) from a policy: where to report (the Parley form first), the keys to encrypt
// with, the languages read, where the file and the policy live, and an Expires less than a year ahead.
import type { Policy } from './policy.types.ts';
import { oneLine, type PolicyRenderContext } from './render-context.ts';

export type { PolicyRenderContext } from './render-context.ts';

/** RFC 9116 recommends less than a year; 364 days leaves a day for clocks and caches. */
const EXPIRES_AFTER_MS = 364 * 24 * 60 * 60 * 1000;

/** `2027-01-01T12:00:00Z`: whole seconds, UTC. */
export function securityTxtExpires(now: Date): string {
  const at = Math.floor((now.getTime() + EXPIRES_AFTER_MS) / 1000) * 1000;
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A field value must be one line; URIs are validated by the policy, context URLs are trusted but guarded. */
function value(text: string): string {
  return oneLine(text).replace(/\s+/g, '%20');
}

export function renderSecurityTxt(policy: Policy, ctx: PolicyRenderContext): string {
  const out: string[] = [
    `# security.txt of ${oneLine(ctx.projectName)} (RFC 9116), written by Parley from its security policy.`,
    `# Please report vulnerabilities privately, preferably with the form in the first Contact.`,
  ];
  const seen = new Set<string>();
  const contact = (uri: string, label?: string) => {
    const v = value(uri);
    if (!v || seen.has(v)) return;
    seen.add(v);
    if (label && oneLine(label)) out.push(`# ${oneLine(label)}`);
    out.push(`Contact: ${v}`);
  };
  contact(ctx.reportUrl);
  for (const c of policy.contacts) contact(c.uri, c.label);
  out.push(`Expires: ${securityTxtExpires(ctx.now)}`);
  for (const key of policy.encryption) out.push(`Encryption: ${value(key)}`);
  if (ctx.acknowledgmentsUrl) out.push(`Acknowledgments: ${value(ctx.acknowledgmentsUrl)}`);
  if (ctx.csafUrl) out.push(`CSAF: ${value(ctx.csafUrl)}`);
  const languages = policy.preferredLanguages.map(oneLine).filter(Boolean);
  if (languages.length) out.push(`Preferred-Languages: ${languages.join(', ')}`);
  for (const url of ctx.securityTxtUrls) out.push(`Canonical: ${value(url)}`);
  out.push(`Policy: ${value(ctx.policyUrl)}`);
  return out.join('\n') + '\n';
}
