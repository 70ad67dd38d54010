// Duplicate suggestions' similarity (src/domain/text-similarity.ts) on realistic reports: the same
// issue reported twice in different words ranks first and above the threshold; reports of other
// issues in the same project — even of the same bug class — stay below it.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_RANK,
  rankSimilar,
  termCounts,
  words,
  type Candidate,
} from '../../src/domain/text-similarity.ts';

/** A project's earlier cases: distinct issues, several of the same class (traversal, XSS, SSRF). */
const EARLIER: Record<string, [string, string]> = {
  'tar-traversal': [
    'Path traversal in archive extraction',
    'extractArchive() in pkg/archive/tar.go joins each entry name onto the destination directory without ' +
      'cleaning it. A tarball with an entry named ../../etc/cron.d/job is written outside the target ' +
      'directory, so anyone who can make the controller fetch an artifact can write arbitrary files as ' +
      'the service user.',
  ],
  'static-traversal': [
    'Path traversal in the static file handler',
    'The /assets/ route serves files from the web root. Requests with URL-encoded dot segments ' +
      '(%2e%2e%2f) are decoded after the prefix check, so GET /assets/%2e%2e%2fconfig.yaml returns the ' +
      'server configuration including the database password.',
  ],
  'webhook-ssrf': [
    'SSRF in webhook delivery',
    'Webhook URLs are checked against private address ranges when saved, but the HTTP client follows ' +
      'redirects. A webhook pointing to an attacker server that answers 302 to ' +
      'http://169.254.169.254/latest/meta-data/ makes the server fetch cloud metadata credentials and ' +
      'the delivery log shows the response body.',
  ],
  'md-xss': [
    'Stored XSS in project description',
    'The project description is rendered as Markdown and raw HTML is allowed. A maintainer can store ' +
      '<img src=x onerror=alert(document.cookie)> which executes for every visitor of the project page.',
  ],
  'search-xss': [
    'Reflected XSS in search results page',
    'The q parameter of /search is echoed into the "no results for" heading without escaping. ' +
      'Visiting /search?q=<script>fetch(attacker)</script> runs script in the victim session.',
  ],
  'session-fixation': [
    'Session fixation after login',
    'The session cookie is not rotated when a user signs in. An attacker who sets a known session id ' +
      'on a shared computer is logged in as the victim once the victim authenticates.',
  ],
  redos: [
    'ReDoS in version range parser',
    'parseRange uses the regular expression (\\d+\\.)*\\d+ with nested quantifiers. A range string of ' +
      '50,000 digits and dots followed by a letter takes minutes of CPU, blocking the event loop.',
  ],
  'token-log': [
    'API tokens written to the debug log',
    'With LOG_LEVEL=debug the request logger prints the Authorization header, so personal access ' +
      'tokens end up in log files readable by operators and log shipping services.',
  ],
  'csrf-settings': [
    'Missing CSRF protection on project settings form',
    'POST /p/:slug/settings accepts requests without a CSRF token. A malicious page visited by a ' +
      'maintainer can change the project policy and add members.',
  ],
  'zip-bomb': [
    'Denial of service through compressed attachment',
    'Attachments are decompressed in memory to scan them. A 40 KB zip that expands to 10 GB exhausts ' +
      'memory and crashes the worker process.',
  ],
};

/** New reports of issues already on file, written differently (as a second finder or a tool would). */
const DUPLICATES: Array<{ of: string; title: string; description: string }> = [
  {
    of: 'tar-traversal',
    title: 'Directory traversal (Zip Slip) when extracting tar archives',
    description:
      'Summary: The function extractArchive in pkg/archive/tar.go does not sanitize entry names. ' +
      'By crafting a malicious tar archive containing an entry such as ../../../etc/cron.d/evil, an ' +
      'attacker can write files outside of the intended destination directory. This leads to arbitrary ' +
      'file write with the privileges of the service user and potentially remote code execution.',
  },
  {
    of: 'webhook-ssrf',
    title: 'Server-Side Request Forgery via webhook redirects',
    description:
      'I found that the webhook delivery follows HTTP redirects without re-checking the target address. ' +
      'Registering a webhook on my server that redirects to the cloud metadata endpoint 169.254.169.254 ' +
      'lets me read instance credentials through the delivery log response body.',
  },
  {
    of: 'md-xss',
    title: 'Cross-site scripting in project description markdown',
    description:
      'Raw HTML in the Markdown of a project description is not sanitized when rendered on the project ' +
      'page. Saving a description with an onerror handler on an img tag executes JavaScript for every ' +
      'visitor and can steal document.cookie.',
  },
];

/** New reports of issues not on file, some of a class the project has seen before. */
const NEW_ISSUES: Array<[string, string]> = [
  [
    'Path traversal in backup restore',
    'parley restore takes a backup tarball and the restore command trusts the manifest file list. An ' +
      'attacker-supplied backup with absolute paths in the manifest overwrites /etc/passwd when an ' +
      'administrator restores it.',
  ],
  [
    'Open redirect on the login page',
    'The next parameter of /login accepts //evil.example, so after signing in the user lands on an ' +
      'attacker controlled site that can phish for the second factor.',
  ],
  [
    'Timing side channel in API token comparison',
    'Bearer tokens are compared with === against the stored value, leaking the length of the matching ' +
      'prefix through response times measurable over the network.',
  ],
];

const candidates: Candidate[] = Object.entries(EARLIER).map(([id, [t, d]]) => ({
  id,
  counts: termCounts(t, d),
}));

describe('words', () => {
  test('normalises case, accents, punctuation and light suffixes', () => {
    assert.deepEqual(words('Requests to /API/v1/Users were Rejected — naïve café'), [
      'request',
      'api',
      'v1',
      'user',
      'reject',
      'naive',
      'cafe',
    ]);
  });

  test('drops function words, single characters and long digit runs', () => {
    assert.deepEqual(words('It is a bug in the x module at 1700000000'), ['bug', 'module']);
  });
});

describe('rankSimilar', () => {
  for (const dup of DUPLICATES) {
    test(`a rewritten report of "${dup.of}" ranks it first, above the threshold`, () => {
      const ranked = rankSimilar(termCounts(dup.title, dup.description), candidates);
      assert.ok(ranked.length >= 1, 'no suggestion at all');
      assert.equal(ranked[0]!.id, dup.of);
      assert.ok(ranked[0]!.score >= DEFAULT_RANK.threshold, `score ${ranked[0]!.score}`);
      // The runner-up, if any, is clearly behind: suggestions are not a coin toss.
      if (ranked[1]) assert.ok(ranked[0]!.score - ranked[1].score > 0.1, JSON.stringify(ranked));
    });
  }

  for (const [title, description] of NEW_ISSUES) {
    test(`a new issue ("${title}") gets no suggestion`, () => {
      const ranked = rankSimilar(termCounts(title, description), candidates);
      assert.deepEqual(ranked, [], JSON.stringify(ranked));
    });
  }

  test('an identical report scores 1 and the limit is kept', () => {
    const [t, d] = EARLIER['md-xss']!;
    const ranked = rankSimilar(termCounts(t, d), candidates, { limit: 1, threshold: 0 });
    assert.equal(ranked.length, 1);
    assert.deepEqual(ranked[0], { id: 'md-xss', score: 1 });
  });

  test('with the threshold at 0 every candidate sharing a word is scored, best first', () => {
    const dup = DUPLICATES[0]!;
    const ranked = rankSimilar(termCounts(dup.title, dup.description), candidates, {
      limit: 20,
      threshold: 0,
    });
    assert.ok(ranked.length > 3);
    for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1]!.score >= ranked[i]!.score);
    // Same bug class, other component: related but far below the real duplicate.
    const other = ranked.find((r) => r.id === 'static-traversal')!;
    assert.ok(other.score < DEFAULT_RANK.threshold, `static-traversal scored ${other.score}`);
  });

  test('an empty report or no candidates gives nothing', () => {
    assert.deepEqual(rankSimilar(termCounts('', ''), candidates), []);
    assert.deepEqual(rankSimilar(termCounts('Path traversal', 'x'), []), []);
  });
});
