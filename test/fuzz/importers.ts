// Importer fuzzing, straight into the services and domain: OSV files (JSON and YAML, read as
// `parley import osv` reads them, then imported), inbound mail (raw RFC 5322 / MIME, parsed by
// mailparser as the SMTP listener does, then taken by the mail intake), OpenPGP armour (public key
// upload, decryption with the project's key) and policy YAML. Property: success or a domain error
// (ValidationError, NotFoundError …), never another exception type, never a hang.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { stringify as toYaml } from 'yaml';
import { DomainError } from '../../src/domain/errors.ts';
import { parsePolicy, DEFAULT_POLICY_YAML } from '../../src/domain/policy/policy-parse.ts';
import { readPublicKeyInfo } from '../../src/integrations/pgp/pgp-keys.ts';
import { encryptText } from '../../src/integrations/pgp/pgp-crypto.ts';
import { readOsvFiles } from '../../src/integrations/osv/osv-files.ts';
import { mailAuthHeaders, type InboundMail } from '../../src/services/mail/mail-intake.service.ts';
import type { Kysely } from 'kysely';
import type { Services } from '../../src/services/index.ts';
import type { Database } from '../../src/storage/schema.ts';
import { findProjectBySlug } from '../../src/storage/repositories/project.repository.ts';
import { makeMember, makeProject } from '../helpers/factories.ts';
import { hostileJson, hostileString, hugeString, PIECES } from './arbitraries.ts';
import { runTarget, type RunOptions, type TargetResult } from './runner.ts';

/** Success or a domain error; anything else is the failure the fuzzer looks for. */
async function domainOnly(work: () => Promise<unknown> | unknown): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (e instanceof DomainError) return;
    throw e;
  }
}

const BASE_OSV = {
  schema_version: '1.6.0',
  id: 'FUZZ-2024-0001',
  modified: '2024-05-01T10:00:00Z',
  published: '2024-04-01T10:00:00Z',
  aliases: ['CVE-2024-0001'],
  summary: 'Path traversal in extractor',
  details: 'A crafted archive writes outside the target.',
  severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
  affected: [
    {
      package: { ecosystem: 'npm', name: 'fuzz-pkg', purl: 'pkg:npm/fuzz-pkg' },
      ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.2.3' }] }],
      versions: ['1.0.0'],
      database_specific: { source: 'fuzz' },
    },
  ],
  references: [{ type: 'WEB', url: 'https://example.org/advisory' }],
  credits: [{ name: 'Fuzzer', type: 'FINDER' }],
  database_specific: { severity: 'HIGH', cwe_ids: ['CWE-22'] },
};

type Obj = Record<string, unknown>;

/** A path into a JSON value and a replacement: mutates a valid document one place at a time. */
function mutate(base: unknown, ids: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, at: (string | number)[]) => {
    paths.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(base, []);
  const change = fc.tuple(
    fc.constantFrom(...paths.filter((p) => p.length)),
    fc.oneof(hostileJson(), fc.constant(undefined)),
  );
  return fc.tuple(fc.array(change, { minLength: 0, maxLength: 3 }), ids).map(([changes, id]) => {
    const doc = structuredClone(base) as Obj;
    doc.id = id;
    for (const [p, value] of changes) {
      let o: Obj = doc;
      for (const k of p.slice(0, -1)) {
        const next = o[k as string];
        if (!next || typeof next !== 'object') break;
        o = next as Obj;
      }
      const last = p[p.length - 1]!;
      if (value === undefined) delete o[last as string];
      else o[last as string] = value;
    }
    return doc;
  });
}

const osvId = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map((n) => `FUZZ-2024-${n}`),
  hostileString({ huge: false, maxLength: 20 }),
);
const osvRecord = mutate(BASE_OSV, osvId);

/** YAML text that is hard on parsers: aliases ("billion laughs"), deep nesting, tags, huge scalars. */
export const hostileYaml: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 2, max: 12 }).map((levels) => {
    const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < levels; i++)
      lines.push(
        `l${i}: &l${i} [${Array(10)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    return lines.join('\n');
  }),
  fc.integer({ min: 10, max: 100_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 10, max: 50_000 }).map((n) => '{a: '.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 10, max: 5_000 }).map((n) => '- '.repeat(n) + 'x'),
  fc
    .integer({ min: 10, max: 3_000 })
    .map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1'),
  hugeString.map((s) => `summary: "${s.replace(/["\\]/g, '')}"`),
  fc.constantFrom(
    '',
    '---\n---\n',
    '%YAML 1.1\n---\na: 1',
    '!!binary AAAA',
    'a: !!js/function "function(){}"',
    'a: !<tag:yaml.org,2002:python/object/apply:os.system> ["id"]',
    'a: &a {b: *a}',
    'a: *missing',
    'base: &b {x: 1}\nm:\n  <<: [*b, *b, *b]',
    '? [a, b]\n: c',
    'a: 1\na: 2',
    '\ta: 1',
    'a: |\n  text\n b',
    '"\\ud800": 1',
    '\ufeffa: 1',
    'a: 0o17\nb: 2024-01-01T00:00:00Z\nc: .inf\nd: ~',
  ),
  fc
    .array(
      fc.constantFrom(
        ...PIECES,
        ': ',
        '- ',
        '\n  ',
        '&a ',
        '*a',
        '!!str ',
        '|',
        '>',
        '{',
        '}',
        '[',
        ']',
        ',',
      ),
      { maxLength: 30 },
    )
    .map((a) => a.join('')),
);

/** A raw mail: headers (some hostile), and a body that is plain, multipart (often broken) or PGP. */
function mailArbitrary(to: string, encrypted: string): fc.Arbitrary<string> {
  const headerValue = hostileString({ huge: false, maxLength: 40 }).map((v) =>
    v.replace(/\r?\n(?![ \t])/g, '\n '),
  );
  const header = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'Subject',
          'From',
          'To',
          'Message-ID',
          'In-Reply-To',
          'References',
          'Reply-To',
          'X-Fuzz',
          'Authentication-Results',
          'Received-SPF',
          'Auto-Submitted',
          'Content-Transfer-Encoding',
        ),
        headerValue,
      )
      .map(([k, v]) => `${k}: ${v}`),
    fc.constantFrom(
      'Subject: =?x-unknown?B?AAAA?=',
      'Subject: =?utf-8?Q?=FF=FE=00?=',
      'Subject: =?utf-8?B?!!!?=',
      'From: <>',
      'From: "a" <a@b>, "c" <@>',
      `Subject: ${'x'.repeat(200_000)}`,
      `X-Long: ${Array(2000).fill('y').join('\r\n ')}`,
      'Content-Type: text/plain; charset=x-no-such-charset',
      'Content-Type: text/plain; charset="utf-7"',
      'Content-Transfer-Encoding: base64',
      'Content-Transfer-Encoding: quoted-printable',
      'Message-ID: <' + 'm'.repeat(2000) + '@x>',
      'Auto-Submitted: auto-replied',
      'Authentication-Results: mx; dmarc=pass header.from=example.org; spf=fail',
    ),
  );
  const part = (ct: string, body: string) => `Content-Type: ${ct}\r\n\r\n${body}`;
  const body = fc.oneof(
    hostileString({ maxLength: 200 }).map((b) => ({ ct: 'text/plain; charset=utf-8', body: b })),
    fc.constant({ ct: 'text/plain', body: encrypted }),
    fc
      .tuple(fc.integer({ min: 0, max: encrypted.length - 1 }), fc.constantFrom('A', '=', '-', '\n', ''))
      .map(([i, c]) => ({ ct: 'text/plain', body: encrypted.slice(0, i) + c + encrypted.slice(i + 1) })),
    fc.constant({
      ct: 'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"',
      body: `--b\r\n${part('application/pgp-encrypted', 'Version: 1')}\r\n--b\r\n${part('application/octet-stream', encrypted)}\r\n--b--`,
    }),
    hostileString({ maxLength: 100 }).map((garbage) => ({
      ct: 'multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"',
      body: `--b\r\n${part('application/pgp-encrypted', 'Version: 1')}\r\n--b\r\n${part('application/octet-stream', garbage)}\r\n--b--`,
    })),
    fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.boolean(), hostileString({ huge: false }))
      .map(([n, close, text]) => {
        // n attachments (past the count limit), the closing boundary sometimes missing.
        const parts = Array.from(
          { length: n },
          (_, i) =>
            `--bb\r\nContent-Type: application/octet-stream; name="${text.replace(/["\r\n]/g, '')}${i}.bin"\r\nContent-Disposition: attachment; filename="../../${i}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${i % 3 ? 'QUJD' : '!!not base64!!'}\r\n`,
        );
        return {
          ct: 'multipart/mixed; boundary="bb"',
          body: `--bb\r\n${part('text/plain', text)}\r\n${parts.join('')}${close ? '--bb--' : ''}`,
        };
      }),
    fc.integer({ min: 2, max: 200 }).map((depth) => {
      // Multipart nested `depth` levels.
      let inner = part('text/plain', 'deep');
      for (let i = 0; i < depth; i++)
        inner = `Content-Type: multipart/mixed; boundary="d${i}"\r\n\r\n--d${i}\r\n${inner}\r\n--d${i}--`;
      return { ct: '', body: inner, raw: true };
    }),
    fc.constant({ ct: 'multipart/mixed', body: 'no boundary at all' }),
    fc.constant({ ct: 'multipart/mixed; boundary=""', body: '--\r\n\r\n--' }),
    fc.constant({ ct: 'text/html', body: '<script>alert(1)</script><img src=x onerror=alert(1)>' }),
  );
  return fc.tuple(fc.array(header, { maxLength: 6 }), body, fc.boolean()).map(([headers, b, crlf]) => {
    const head = [`From: Fuzz <fuzz@example.org>`, `To: ${to}`, ...headers];
    const raw =
      'raw' in b && b.raw
        ? `${head.join('\r\n')}\r\n${b.body}`
        : `${head.join('\r\n')}\r\n${b.ct ? `Content-Type: ${b.ct}\r\n` : ''}\r\n${b.body}`;
    return crlf ? raw : raw.replace(/\r\n/g, '\n');
  });
}

/** An armoured block around text, or a real key / message with bytes changed. */
function armourArbitrary(kind: string, real: string): fc.Arbitrary<string> {
  return fc.oneof(
    hostileString({ maxLength: 200 }),
    hostileString({ huge: false, maxLength: 200 }).map(
      (b) => `-----BEGIN PGP ${kind}-----\n\n${b}\n-----END PGP ${kind}-----`,
    ),
    fc.constantFrom(
      `-----BEGIN PGP ${kind}-----\n\n-----END PGP ${kind}-----`,
      `-----BEGIN PGP ${kind}-----\nVersion: x\n\nAAAA\n=AAAA\n-----END PGP ${kind}-----`,
      `-----BEGIN PGP ${kind}-----\n\n${'A'.repeat(300_000)}\n-----END PGP ${kind}-----`,
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----',
      real,
      real.replace(/\n/g, '\r\n'),
      real + real,
    ),
    fc
      .tuple(
        fc.integer({ min: 0, max: real.length - 1 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('A', 'z', '0', '+', '/', '=', '\n', ''),
      )
      .map(([i, n, c]) => real.slice(0, i) + c.repeat(n) + real.slice(i + n)),
    fc.integer({ min: 1, max: real.length - 1 }).map((n) => real.slice(0, n)),
  );
}

export interface ImporterWorld {
  s: Services;
  slug: string;
  projectId: string;
  publicKey: string;
  encrypted: string;
  dir: string;
}

export async function importerWorld(s: Services, db: Kysely<Database>): Promise<ImporterWorld> {
  const p = await makeProject(s);
  const m = await makeMember(s, p.slug, 'maintainer');
  const { publicKey } = await s.projectKeys.generate(m.actor, p.slug);
  const row = (await findProjectBySlug(db, p.slug))!;
  const encrypted = await encryptText('Secret report: the extractor follows symlinks.', [publicKey]);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parley-fuzz-'));
  return { s, slug: p.slug, projectId: row.id, publicKey, encrypted, dir };
}

export const IMPORTERS = [
  'osv-json',
  'osv-yaml',
  'mail',
  'pgp-public-key',
  'pgp-decrypt',
  'policy-yaml',
] as const;

/** Runs each importer target with `runs` inputs (scaled per target by its cost). */
export async function fuzzImporters(
  iw: ImporterWorld,
  opts: RunOptions & {
    only?: string | undefined;
    scale?: Partial<Record<(typeof IMPORTERS)[number], number>>;
  },
): Promise<TargetResult[]> {
  const results: TargetResult[] = [];
  const want = (name: string) => !opts.only || `importer ${name}`.includes(opts.only);
  const runs = (name: (typeof IMPORTERS)[number]) => ({
    ...opts,
    runsPerRoute: Math.max(1, Math.round(opts.runsPerRoute * (opts.scale?.[name] ?? 1))),
  });
  let n = 0;
  const importFile = async (ext: string, text: string) => {
    const file = path.join(iw.dir, `r${n++}.${ext}`);
    await fs.writeFile(file, text);
    try {
      await domainOnly(async () => {
        const report = await iw.s.advisoryImport.importOsv('system', iw.slug, readOsvFiles([file]));
        if (report.read !== 1) throw new Error(`read ${report.read} records from one file`);
      });
    } finally {
      await fs.rm(file, { force: true });
    }
  };
  if (want('osv-json'))
    results.push(
      await runTarget(
        'importer osv-json',
        fc.oneof(
          { weight: 3, arbitrary: osvRecord.map((r) => JSON.stringify(r)) },
          { weight: 1, arbitrary: hostileString({ maxLength: 100 }) },
          {
            weight: 1,
            arbitrary: fc
              .integer({ min: 100, max: 300_000 })
              .map((d) => `{"id":"X","x":${'['.repeat(d)}${']'.repeat(d)}}`),
          },
        ),
        runs('osv-json'),
        (t) => importFile('json', t),
      ),
    );
  if (want('osv-yaml'))
    results.push(
      await runTarget(
        'importer osv-yaml',
        fc.oneof(
          { weight: 3, arbitrary: osvRecord.map((r) => toYaml(r)) },
          { weight: 2, arbitrary: hostileYaml },
        ),
        runs('osv-yaml'),
        (t) => importFile('yaml', t),
      ),
    );
  if (want('mail'))
    results.push(
      await runTarget(
        'importer mail',
        mailArbitrary(`${iw.slug}@localhost`, iw.encrypted),
        runs('mail'),
        async (raw) => {
          const parsed = await simpleParser(raw, { skipImageLinks: true });
          const mail: InboundMail = {
            size: Buffer.byteLength(raw),
            envelopeFrom: 'fuzz@example.org',
            recipients: [`${iw.slug}@localhost`],
            remoteAddress: '192.0.2.9',
            parsed,
            ...mailAuthHeaders(parsed),
          };
          await domainOnly(() => iw.s.mailIntake.accept(mail));
        },
      ),
    );
  if (want('pgp-public-key'))
    results.push(
      await runTarget(
        'importer pgp-public-key',
        armourArbitrary('PUBLIC KEY BLOCK', iw.publicKey),
        runs('pgp-public-key'),
        (text) => domainOnly(() => readPublicKeyInfo(text)),
      ),
    );
  if (want('pgp-decrypt'))
    results.push(
      await runTarget(
        'importer pgp-decrypt',
        armourArbitrary('MESSAGE', iw.encrypted),
        runs('pgp-decrypt'),
        (text) => domainOnly(() => iw.s.projectKeys.decrypt(iw.projectId, text)),
      ),
    );
  if (want('policy-yaml'))
    results.push(
      await runTarget(
        'importer policy-yaml',
        fc.oneof(
          {
            weight: 3,
            arbitrary: mutate((await import('yaml')).parse(DEFAULT_POLICY_YAML), fc.constant('x')).map(
              (d) => {
                delete (d as Obj).id;
                return toYaml(d);
              },
            ),
          },
          { weight: 2, arbitrary: hostileYaml },
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.integer({ min: 0, max: DEFAULT_POLICY_YAML.length }), hostileString({ huge: false }))
              .map(([i, s]) => DEFAULT_POLICY_YAML.slice(0, i) + s + DEFAULT_POLICY_YAML.slice(i)),
          },
        ),
        runs('policy-yaml'),
        async (text) => {
          const r = parsePolicy(text);
          if (typeof r.ok !== 'boolean') throw new Error('parsePolicy answered no result');
        },
      ),
    );
  return results;
}
