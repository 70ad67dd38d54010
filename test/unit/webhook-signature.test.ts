// Webhook signing and its documented verification recipe (run from docs/mail-and-pgp.md as written),
// the SSRF address guard, secret sealing, and the Slack message shape.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { signatureHeader, verifySignatureHeader } from '../../src/integrations/webhooks/webhook-signature.ts';
import { isPrivateAddress } from '../../src/integrations/webhooks/address-guard.ts';
import {
  generateWebhookSecret,
  openWebhookSecret,
  sealWebhookSecret,
} from '../../src/services/webhooks/webhook-secret.ts';
import { slackMessage, webhookBody } from '../../src/services/webhooks/webhook-payload.ts';
import { cryptoRandom } from '../../src/services/deps.ts';

type Verify = (secret: string, header: string | undefined, body: string | Buffer, now?: number) => boolean;

/** The verification example of the docs, written to a file and imported, exactly as a reader would. */
async function docsRecipe(): Promise<Verify> {
  const md = fs.readFileSync(path.resolve('docs/mail-and-pgp.md'), 'utf8');
  const m = /<!-- webhook-verify-example -->\s*```js\n([\s\S]*?)```/.exec(md);
  assert.ok(m, 'the docs hold the marked verification example');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-verify-'));
  const file = path.join(dir, 'verify.mjs');
  fs.writeFileSync(file, m[1]!);
  const mod = (await import(pathToFileURL(file).href)) as { verifyParleySignature: Verify };
  return mod.verifyParleySignature;
}

describe('webhook signature', () => {
  const secret = 'whsec_' + 'k'.repeat(43);
  const body = JSON.stringify({ id: 'x', event: 'advisory.published', data: { title: 'Ünïcode ✓' } });
  const t = 1_790_000_000;
  let verifyDocs: Verify;
  before(async () => {
    verifyDocs = await docsRecipe();
  });

  test('header is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const h = signatureHeader(secret, body, t);
    const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(h, `t=${t},v1=${expected}`);
    assert.match(h, /^t=\d+,v1=[0-9a-f]{64}$/);
  });

  test('our check and the documented recipe agree', () => {
    const h = signatureHeader(secret, body, t);
    for (const verify of [
      (hh: string | undefined, b: string, now: number) => verifySignatureHeader(secret, hh, b, now),
      (hh: string | undefined, b: string, now: number) => verifyDocs(secret, hh, b, now),
    ]) {
      assert.equal(verify(h, body, t), true, 'fresh and intact');
      assert.equal(verify(h, body, t + 300), true, 'five minutes late is still fine');
      assert.equal(verify(h, body, t - 300), true, 'a clock five minutes behind is fine');
      assert.equal(verify(h, body, t + 301), false, 'older than five minutes: a replay');
      assert.equal(verify(h, body, t - 301), false, 'from the future');
      assert.equal(verify(h, body.replace('published', 'withdrawn'), t), false, 'tampered body');
      assert.equal(verify(h, body + ' ', t), false, 'one byte more');
      assert.equal(verify(h.replace(`t=${t}`, `t=${t + 1}`), body, t), false, 'tampered timestamp');
      assert.equal(verify(signatureHeader('whsec_other', body, t), body, t), false, 'other secret');
      assert.equal(verify(undefined, body, t), false, 'no header');
      assert.equal(verify('', body, t), false, 'empty header');
      assert.equal(verify(`t=${t}`, body, t), false, 'no v1');
      assert.equal(verify(h.replace(/^t=\d+,/, ''), body, t), false, 'no t');
      assert.equal(verify(`t=${t},v1=zz`, body, t), false, 'not hex');
      assert.equal(verify(`t=${t},v1=${'0'.repeat(64)},${h.split(',')[1]}`, body, t), true, 'any v1 matches');
    }
  });

  test('the documented recipe takes the raw body as a Buffer too', () => {
    const h = signatureHeader(secret, body, t);
    assert.equal(verifyDocs(secret, h, Buffer.from(body, 'utf8'), t), true);
    assert.equal(verifyDocs(secret, h, Buffer.from(body.toUpperCase(), 'utf8'), t), false);
  });
});

describe('SSRF address guard', () => {
  const cases: Array<[string, boolean]> = [
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['fd12:3456::1', true],
    ['ff02::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a00:1', true],
    ['64:ff9b::808:808', false],
    ['2002:7f00:1::1', true],
    ['2002:808:808::1', false],
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:80b::200e', false],
    ['not-an-address', true],
  ];
  for (const [addr, priv] of cases) {
    test(`${addr} is ${priv ? 'refused' : 'allowed'}`, () => assert.equal(isPrivateAddress(addr), priv));
  }
});

describe('webhook secrets at rest', () => {
  const instance = crypto.randomBytes(32);
  test('sealed secrets open with the same instance secret and hook id only', () => {
    const plain = generateWebhookSecret(cryptoRandom);
    assert.match(plain, /^whsec_[A-Za-z0-9_-]{43}$/);
    const sealed = sealWebhookSecret(instance, 'hook-1', plain);
    assert.ok(!sealed.includes(plain.slice(6)), 'not stored in clear');
    assert.ok(sealed.length <= 200, 'fits the column');
    assert.equal(openWebhookSecret(instance, 'hook-1', sealed), plain);
    assert.equal(openWebhookSecret(instance, 'hook-2', sealed), undefined, 'bound to its hook');
    assert.equal(openWebhookSecret(crypto.randomBytes(32), 'hook-1', sealed), undefined, 'other instance');
    assert.equal(openWebhookSecret(instance, 'hook-1', sealed.slice(0, -2) + 'AA'), undefined, 'tampered');
    assert.equal(openWebhookSecret(instance, 'hook-1', 'whsec_plain'), undefined, 'not sealed');
  });
});

describe('webhook payloads', () => {
  const envelope = {
    id: 'e1',
    event: 'advisory.published',
    createdAt: '2026-12-01T09:00:00.000Z',
    project: { slug: 'conure', name: 'Conure <&> Co' },
    data: {
      id: 'PARLEY-2026-0001',
      title: 'XSS via <script> & friends',
      severity: 'high',
      state: 'published',
      url: 'https://parley.example.org/advisories/PARLEY-2026-0001',
    },
  };

  test('parley format is the envelope itself', () => {
    assert.deepEqual(JSON.parse(webhookBody('parley', envelope)), envelope);
  });

  test('slack format: text and blocks, mrkdwn-escaped, linked', () => {
    const m = JSON.parse(webhookBody('slack', envelope)) as ReturnType<typeof slackMessage>;
    assert.deepEqual(Object.keys(m).sort(), ['blocks', 'text']);
    assert.equal(
      m.text,
      '*Advisory published* <https://parley.example.org/advisories/PARLEY-2026-0001|PARLEY-2026-0001: XSS via &lt;script&gt; &amp; friends> · severity high · state published',
    );
    const [section, context] = m.blocks as Array<Record<string, unknown>>;
    assert.deepEqual(section, { type: 'section', text: { type: 'mrkdwn', text: m.text } });
    assert.equal(context!.type, 'context');
    assert.match(JSON.stringify(context), /Conure &lt;&amp;&gt; Co/);
  });

  test('slack format of a case event reads the nested case and the change', () => {
    const m = slackMessage({
      ...envelope,
      event: 'case.updated',
      data: {
        case: {
          id: 'c1',
          key: 'CONURE-12',
          url: 'https://p.example/cases/CONURE-12',
          state: 'triaged',
          severity: 'low',
        },
        change: { type: 'state.changed', visibility: 'reporter', actor: 'user' },
      },
    });
    assert.equal(
      m.text,
      '*Case updated* <https://p.example/cases/CONURE-12|CONURE-12> · severity low · state triaged · state.changed',
    );
  });
});
