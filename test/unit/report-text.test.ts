import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportFieldsFromText } from '../../src/domain/report-text.ts';

test('Markdown headings map to the report fields, text before them to the description', () => {
  const f = reportFieldsFromText(
    'XSS in the dashboard',
    [
      'The search box echoes its input.',
      '',
      '## Steps to reproduce',
      '1. Open /search?q=<script>',
      '',
      '## Impact',
      'Session theft.',
      '',
      '### Affected versions',
      '2.1.0 and later',
      '## Suggested fix',
      'Escape the query.',
    ].join('\r\n'),
  );
  assert.equal(f.title, 'XSS in the dashboard');
  assert.equal(f.description, 'The search box echoes its input.');
  assert.equal(f.stepsToReproduce, '1. Open /search?q=<script>');
  assert.equal(f.impact, 'Session theft.');
  assert.equal(f.affectedVersions, '2.1.0 and later');
  assert.equal(f.suggestedFix, 'Escape the query.');
});

test('labels with text on the same line, bold and underlined headings are recognised', () => {
  const f = reportFieldsFromText(
    'ignored subject',
    [
      'Title: Path traversal in the archive extractor',
      'Affected version: 1.4.2',
      'Impact: arbitrary file write',
      '',
      '**Steps**',
      'unzip evil.zip',
      '',
      'Details',
      '=======',
      'Entries with ../ are not rejected.',
    ].join('\n'),
  );
  assert.equal(f.title, 'Path traversal in the archive extractor');
  assert.equal(f.affectedVersions, '1.4.2');
  assert.equal(f.impact, 'arbitrary file write');
  assert.equal(f.stepsToReproduce, 'unzip evil.zip');
  assert.equal(f.description, 'Entries with ../ are not rejected.');
});

test('text without headings is kept whole in the description, and ordinary colons do not split it', () => {
  const body = 'Hello team,\n\nI found this: the login form has no rate limit.\nNote: tested on 3.2.';
  const f = reportFieldsFromText('Rate limit', body);
  assert.equal(f.description, body);
  assert.equal(f.stepsToReproduce, '');
  assert.equal(f.title, 'Rate limit');
});
