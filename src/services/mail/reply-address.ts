// Per-case reply addresses: `reply+<token>@<inbound domain>`. The token carries the case id, whom the
// address was given to (`r` the reporter, `t` the team) and an HMAC tag over both, so an address can
// be neither guessed nor altered into another case's or the other party's. Lowercase base32 only:
// relays often lowercase local parts, and the token must survive that.
import crypto from 'node:crypto';
import { derivedKey, mailSettings, type ServiceDeps } from '../deps.ts';

export type ReplyParty = 'r' | 't';

type AddressDeps = Pick<ServiceDeps, 'secret' | 'mail' | 'publicUrl'>;

const PREFIX = 'reply+';
/** 15 bytes = 120 bits of tag, 24 base32 characters; the whole local part stays under 64. */
const TAG_BYTES = 15;
const ID_BYTES = 16;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = new RegExp(`^([rt])([a-z2-7]{${b32len(ID_BYTES)}})([a-z2-7]{${b32len(TAG_BYTES)}})$`);

function b32len(bytes: number): number {
  return Math.ceil((bytes * 8) / 5);
}

/** RFC 4648 base32, lowercase, unpadded. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes `base32` output; null for anything that is not its canonical form (stray trailing bits). */
function unbase32(text: string, bytes: number): Buffer | null {
  const out = Buffer.alloc(bytes);
  let bits = 0;
  let value = 0;
  let i = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      if (i >= bytes) return null;
      out[i++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  if (i !== bytes || value !== 0) return null;
  return out;
}

function tag(deps: AddressDeps, id: Buffer, party: ReplyParty): Buffer {
  return crypto
    .createHmac('sha256', derivedKey(deps.secret, 'reply-address'))
    .update(Buffer.concat([Buffer.from(`v1:${party}:`, 'utf8'), id]))
    .digest()
    .subarray(0, TAG_BYTES);
}

/** The address a party writes to so that the mail lands in this case's thread. */
export function replyAddressFor(deps: AddressDeps, caseId: string, party: ReplyParty): string {
  if (!UUID.test(caseId)) throw new Error('Reply addresses are made for case ids (UUIDs).');
  const id = Buffer.from(caseId.replace(/-/g, ''), 'hex');
  const token = `${party}${base32(id)}${base32(tag(deps, id, party))}`;
  return `${PREFIX}${token}@${mailSettings(deps).inboundDomain}`;
}

/** Splits an address into its local part and lowercased domain; null without an `@`. */
export function splitAddress(address: string): { local: string; domain: string } | null {
  const a = address.trim().replace(/^<|>$/g, '');
  const at = a.lastIndexOf('@');
  if (at <= 0 || at === a.length - 1) return null;
  return { local: a.slice(0, at), domain: a.slice(at + 1).toLowerCase() };
}

/** True when the address is meant as a reply address of this instance (valid or not). */
export function looksLikeReplyAddress(deps: AddressDeps, address: string): boolean {
  const parts = splitAddress(address);
  return (
    !!parts &&
    parts.domain === mailSettings(deps).inboundDomain.toLowerCase() &&
    parts.local.toLowerCase().startsWith(PREFIX)
  );
}

/** The case and party of a reply address, or null when it is not one of ours or its tag is wrong. */
export function parseReplyAddress(
  deps: AddressDeps,
  address: string,
): { caseId: string; party: ReplyParty } | null {
  if (!looksLikeReplyAddress(deps, address)) return null;
  const local = splitAddress(address)!.local.toLowerCase();
  const m = TOKEN.exec(local.slice(PREFIX.length));
  if (!m) return null;
  const party = m[1] as ReplyParty;
  const id = unbase32(m[2]!, ID_BYTES);
  const given = unbase32(m[3]!, TAG_BYTES);
  if (!id || !given) return null;
  if (!crypto.timingSafeEqual(given, tag(deps, id, party))) return null;
  const hex = id.toString('hex');
  const caseId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { caseId, party };
}
