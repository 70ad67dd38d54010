import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textToHtml, wantsHtmlAlternative } from '../../src/integrations/mail/text-to-html.ts';

test('text becomes escaped HTML paragraphs with http(s) links as anchors', () => {
  const html = textToHtml(
    'Hi <b>team</b> & co\nline two\n\nOpen https://x.example/cases/A-1 now\njavascript:alert(1)',
  );
  assert.match(html, /<p>Hi &lt;b&gt;team&lt;\/b&gt; &amp; co<br>\nline two<\/p>/);
  assert.match(html, /<a href="https:\/\/x.example\/cases\/A-1">https:\/\/x.example\/cases\/A-1<\/a>/);
  assert.doesNotMatch(html, /href="javascript/);
});

test('signed text gets no HTML alternative', () => {
  assert.equal(wantsHtmlAlternative('-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nx'), false);
  assert.equal(wantsHtmlAlternative('plain'), true);
});
