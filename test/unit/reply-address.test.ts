// Per-case reply addresses: they round-trip, survive lowercasing, and cannot be forged, altered into
// another case or party, or carried to another instance (another secret).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  base32,
  looksLikeReplyAddress,
  parseReplyAddress,
  replyAddressFor,
} from '../../src/services/mail/reply-address.ts';

const deps = {
  secret: crypto.randomBytes(32),
  publicUrl: new URL('https://parley.example.org'),
  mail: { inboundDomain: 'mail.example.org' },
};
const caseId = '0196f3a4-5b6c-7d8e-9f01-23456789abcd';

describe('reply addresses', () => {
  test('an address names its case and party, and parses back', () => {
    const r = replyAddressFor(deps, caseId, 'r');
    const t = replyAddressFor(deps, caseId, 't');
    assert.match(r, /^reply\+r[a-z2-7]{50}@mail\.example\.org$/);
    assert.notEqual(r, t);
    assert.ok(r.split('@')[0]!.length <= 64, 'a local part is at most 64 octets (RFC 5321)');
    assert.deepEqual(parseReplyAddress(deps, r), { caseId, party: 'r' });
    assert.deepEqual(parseReplyAddress(deps, t), { caseId, party: 't' });
  });

  test('case does not matter: relays that upper- or lowercase keep the address valid', () => {
    const r = replyAddressFor(deps, caseId, 'r');
    assert.deepEqual(parseReplyAddress(deps, r.toUpperCase()), { caseId, party: 'r' });
    assert.deepEqual(parseReplyAddress(deps, `<${r}>`), { caseId, party: 'r' });
  });

  test('the party or the case cannot be swapped: the tag covers both', () => {
    const r = replyAddressFor(deps, caseId, 'r');
    assert.equal(parseReplyAddress(deps, r.replace('reply+r', 'reply+t')), null, 'reporter → team');
    const other = '0196f3a4-5b6c-7d8e-9f01-23456789abce';
    const otherAddr = replyAddressFor(deps, other, 'r');
    // The case part of one address with the tag of another.
    const local = r.split('@')[0]!;
    const otherLocal = otherAddr.split('@')[0]!;
    const spliced = otherLocal.slice(0, 33) + local.slice(33);
    assert.equal(parseReplyAddress(deps, `${spliced}@mail.example.org`), null);
  });

  test('every single-character change of the token is refused', () => {
    const r = replyAddressFor(deps, caseId, 't');
    const [local, domain] = r.split('@') as [string, string];
    for (let i = 'reply+'.length; i < local.length; i++) {
      const c = local[i] === 'a' ? 'b' : 'a';
      const forged = local.slice(0, i) + c + local.slice(i + 1);
      assert.equal(parseReplyAddress(deps, `${forged}@${domain}`), null, `position ${i}`);
    }
  });

  test('another secret, another domain or a malformed token: null', () => {
    const r = replyAddressFor(deps, caseId, 'r');
    assert.equal(parseReplyAddress({ ...deps, secret: crypto.randomBytes(32) }, r), null);
    assert.equal(parseReplyAddress(deps, r.replace('mail.example.org', 'example.net')), null);
    assert.equal(parseReplyAddress(deps, 'reply+@mail.example.org'), null);
    assert.equal(parseReplyAddress(deps, 'reply+r0000@mail.example.org'), null);
    assert.equal(parseReplyAddress(deps, `${r.split('@')[0]}x@mail.example.org`), null);
    assert.equal(parseReplyAddress(deps, 'flux@mail.example.org'), null);
    assert.equal(parseReplyAddress(deps, 'not an address'), null);
  });

  test('the domain defaults to the public URL host', () => {
    const d = { secret: deps.secret, publicUrl: new URL('https://parley.example.org') };
    const r = replyAddressFor(d, caseId, 'r');
    assert.ok(r.endsWith('@parley.example.org'));
    assert.deepEqual(parseReplyAddress(d, r), { caseId, party: 'r' });
  });

  test('looksLikeReplyAddress tells reply addresses from project addresses', () => {
    assert.equal(looksLikeReplyAddress(deps, 'reply+whatever@MAIL.example.org'), true);
    assert.equal(looksLikeReplyAddress(deps, 'flux@mail.example.org'), false);
    assert.equal(looksLikeReplyAddress(deps, 'reply+x@elsewhere.org'), false);
  });

  test('only case ids (UUIDs) get reply addresses', () => {
    assert.throws(() => replyAddressFor(deps, 'FLUX-1', 'r'));
  });

  test('base32 matches RFC 4648 test vectors (lowercase, unpadded)', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'my'],
      ['fo', 'mzxq'],
      ['foo', 'mzxw6'],
      ['foob', 'mzxw6yq'],
      ['fooba', 'mzxw6ytb'],
      ['foobar', 'mzxw6ytboi'],
    ];
    for (const [input, out] of vectors) assert.equal(base32(Buffer.from(input)), out);
  });
});
