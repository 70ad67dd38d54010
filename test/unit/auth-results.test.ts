// Authentication-Results (RFC 8601) and Received-SPF parsing: the verdicts a relay recorded.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  authVerdicts,
  headerValues,
  parseAuthenticationResults,
  parseReceivedSpf,
} from '../../src/services/mail/auth-results.ts';

describe('Authentication-Results', () => {
  test('a typical relay header: spf, dkim and dmarc with properties and comments', () => {
    const v = parseAuthenticationResults(
      'mx.example.org; spf=pass (sender SPF authorized) smtp.mailfrom=example.net;\r\n' +
        '\tdkim=pass (2048-bit key; unprotected) header.d=example.net header.i=@example.net header.b="ab;cd";\r\n' +
        '\tdmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=example.net',
    );
    assert.deepEqual(v, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
  });

  test('failures and unusual results are kept as written, lowercased', () => {
    assert.deepEqual(
      parseAuthenticationResults('mx.example.org; SPF=SoftFail smtp.mailfrom=a@b; DKIM=fail; dmarc=none'),
      { spf: 'softfail', dkim: 'fail', dmarc: 'none' },
    );
    assert.deepEqual(parseAuthenticationResults('mx; spf=temperror'), { spf: 'temperror' });
  });

  test('of several DKIM signatures one passing is enough; other methods take the first', () => {
    assert.deepEqual(
      parseAuthenticationResults(
        'mx; dkim=fail header.d=a.org; dkim=pass header.d=b.org; spf=fail; spf=pass',
      ),
      { dkim: 'pass', spf: 'fail' },
    );
  });

  test('"none", versions, other methods and junk give nothing or are ignored', () => {
    assert.deepEqual(parseAuthenticationResults('mx.example.org 1; none'), {});
    assert.deepEqual(parseAuthenticationResults('mx.example.org; arc=pass; iprev=pass; auth=pass'), {});
    assert.deepEqual(parseAuthenticationResults('mx.example.org; dkim/1=pass'), { dkim: 'pass' });
    assert.deepEqual(parseAuthenticationResults(''), {});
    assert.deepEqual(parseAuthenticationResults('just garbage without structure'), {});
    // A result inside a comment is not a result.
    assert.deepEqual(parseAuthenticationResults('mx; (spf=pass) dkim=fail'), { dkim: 'fail' });
  });

  test('the authserv-id is never taken for a method, even when it looks like one', () => {
    assert.deepEqual(parseAuthenticationResults('spf=pass; dkim=fail'), { dkim: 'fail' });
  });

  test('results are cut to the column width', () => {
    const long = 'x'.repeat(100);
    assert.equal(parseAuthenticationResults(`mx; spf=${long}`).spf!.length, 32);
  });
});

describe('Received-SPF and combined verdicts', () => {
  test('Received-SPF gives the first word', () => {
    assert.equal(
      parseReceivedSpf('Pass (mailfrom) identity=mailfrom; client-ip=192.0.2.1; helo=mail.example.net;'),
      'pass',
    );
    assert.equal(parseReceivedSpf('  softfail (domain of transitioning a@b) client-ip=1.2.3.4'), 'softfail');
    assert.equal(parseReceivedSpf('(only a comment)'), null);
  });

  test('the topmost header reporting a method wins; Received-SPF only fills in a missing SPF', () => {
    const v = authVerdicts(
      [
        'relay.example.org; dkim=pass header.d=example.net',
        'forged.example; spf=pass; dkim=pass; dmarc=pass',
      ],
      ['fail (not permitted)'],
    );
    assert.deepEqual(v, { spf: 'pass', dkim: 'pass', dmarc: 'pass' });
    const w = authVerdicts(['relay.example.org; dkim=fail'], ['softfail (x)']);
    assert.deepEqual(w, { spf: 'softfail', dkim: 'fail', dmarc: null });
    assert.deepEqual(authVerdicts([], []), { spf: null, dkim: null, dmarc: null });
  });

  test('headerValues unfolds and strips the name, keeping order', () => {
    const lines = [
      { key: 'received', line: 'Received: from x' },
      { key: 'authentication-results', line: 'Authentication-Results: a.org;\r\n\tspf=pass' },
      { key: 'authentication-results', line: 'Authentication-Results: b.org; dkim=fail' },
    ];
    assert.deepEqual(headerValues(lines, 'Authentication-Results'), ['a.org; spf=pass', 'b.org; dkim=fail']);
  });
});
