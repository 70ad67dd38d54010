// Mail intake's pure helpers: attachment limits, quote stripping, machine-written mail, senders and
// the report fields of a mail.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import {
  ATTACHMENT_LIMITS,
  isAutomatic,
  reportFromMail,
  selectAttachments,
  senderAddress,
  stripQuotedReply,
} from '../../src/services/mail/inbound-mapping.ts';

const MiB = 1024 * 1024;
const file = (filename: string, bytes: number) => ({
  filename,
  contentType: 'application/octet-stream',
  content: Buffer.alloc(bytes, 1),
});

describe('attachment limits', () => {
  test('count, size of each and total size, in order; sizes and digests of what is kept', () => {
    const { kept, dropped } = selectAttachments([
      file('a', 9 * MiB),
      file('b', 9 * MiB),
      file('huge', 10 * MiB + 1),
      file('c', 9 * MiB), // 27 MiB with a and b: over the total
      file('d', 1 * MiB),
    ]);
    assert.deepEqual(
      kept.map((k) => [k.filename, k.size]),
      [
        ['a', 9 * MiB],
        ['b', 9 * MiB],
        ['d', 1 * MiB],
      ],
    );
    assert.match(kept[0]!.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      dropped.map((d) => [d.filename, d.reason]),
      [
        ['huge', 'too-large'],
        ['c', 'total-too-large'],
      ],
    );
    const many = selectAttachments(Array.from({ length: 25 }, (_, i) => file(`f${i}`, 10)));
    assert.equal(many.kept.length, ATTACHMENT_LIMITS.count);
    assert.deepEqual(
      many.dropped.map((d) => d.reason),
      Array(5).fill('too-many'),
    );
  });

  test('file names lose paths and control characters; unnamed files get a name', () => {
    const { kept } = selectAttachments([
      { filename: '../../etc/passwd', contentType: '', content: Buffer.from('x') },
      { filename: 'C:\\Users\\a\\evil\u0007.txt', contentType: 'text/plain', content: Buffer.from('x') },
      { filename: '', contentType: 'text/plain', content: Buffer.from('x') },
    ]);
    assert.deepEqual(
      kept.map((k) => [k.filename, k.contentType]),
      [
        ['passwd', 'application/octet-stream'],
        ['evil.txt', 'text/plain'],
        ['attachment-3', 'text/plain'],
      ],
    );
  });
});

describe('quote stripping', () => {
  test('the trailing quote and its attribution go; inline answers stay', () => {
    assert.equal(
      stripQuotedReply('Thanks!\n\nOn Mon, 2 Mar 2026 at 10:00, Parley <p@x.org> wrote:\n> old\n> text\n\n'),
      'Thanks!',
    );
    assert.equal(
      stripQuotedReply('Yes.\n\nOn Mon, 2 Mar 2026 at 10:00, Parley Security\n<p@x.org> wrote:\n> old'),
      'Yes.',
    );
    assert.equal(
      stripQuotedReply('> question one\nanswer one\n> question two\nanswer two'),
      '> question one\nanswer one\n> question two\nanswer two',
    );
    assert.equal(stripQuotedReply('> only a quote'), '> only a quote', 'never empty');
    assert.equal(stripQuotedReply('Plain text.'), 'Plain text.');
  });
});

describe('mail metadata', () => {
  test('auto-replies, bounces and list mail are machine-written; ordinary mail is not', async () => {
    const mail = async (headers: string) =>
      simpleParser(`${headers}From: a@example.org\r\nSubject: x\r\n\r\nbody`);
    assert.equal(isAutomatic(await mail(''), 'a@example.org'), false);
    assert.equal(isAutomatic(await mail('Auto-Submitted: no\r\n'), 'a@example.org'), false);
    assert.equal(isAutomatic(await mail('Auto-Submitted: auto-replied\r\n'), 'a@example.org'), true);
    assert.equal(isAutomatic(await mail('Precedence: bulk\r\n'), 'a@example.org'), true);
    assert.equal(isAutomatic(await mail('X-Autoreply: yes\r\n'), 'a@example.org'), true);
    assert.equal(isAutomatic(await mail(''), null), true, 'null sender: a bounce');
  });

  test('the sender is From, or Reply-To when From is unusable', async () => {
    const a = await simpleParser('From: Rita <rita@example.net>\r\nReply-To: list@example.org\r\n\r\nx');
    assert.equal(senderAddress(a), 'rita@example.net');
    const b = await simpleParser('From: undisclosed\r\nReply-To: <back@example.org>\r\n\r\nx');
    assert.equal(senderAddress(b), 'back@example.org');
    const c = await simpleParser('Subject: none\r\n\r\nx');
    assert.equal(senderAddress(c), null);
  });

  test('report fields: subject as title, limits kept, overflow flagged', () => {
    const r = reportFromMail('  Bug\n in   parser ', 'Details.\n\nImpact: bad');
    assert.equal(r.title, 'Bug in parser');
    assert.equal(r.impact, 'bad');
    assert.equal(r.suggestedFix, null);
    assert.equal(r.truncated, false);
    const long = reportFromMail('', 'x'.repeat(60_000));
    assert.equal(long.title, '(no subject)');
    assert.equal(long.description.length, 50_000);
    assert.equal(long.truncated, true);
    assert.equal(reportFromMail('t'.repeat(500), '').title.length, 200);
  });
});
