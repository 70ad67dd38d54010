// fast-check arbitraries for hostile input, shared by the endpoint and importer fuzzers (test/fuzz/*,
// bench/fuzz.ts): strings (unicode, control characters, NUL, lone surrogates, huge, path traversal,
// SQL / HTML / template injection pieces), JSON values (deep, wide, wrong types, prototype-pollution
// keys), values shaped by a route's JSON schema with hostile leaves, query strings, form bodies and
// headers. Everything is generated from fast-check's seed, so a failure reproduces from seed + path.
import fc from 'fast-check';

/** Pieces that are joined into strings: each is known to trip some parser, escaper or database. */
export const PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  '\n',
  '\r\n',
  '\t',
  'é',
  'ß',
  '中',
  '😀',
  '\u0301',
  '\u202e',
  '\u200b',
  '\u2028',
  '\ufeff',
  '\uffff',
  '\ud800',
  '\udfff',
  '\u0001',
  '\u001b[31m',
  '\u007f',
  '\u0000',
  "'",
  '"',
  '`',
  '\\',
  '/',
  '%',
  '%00',
  '%zz',
  '%c0%af',
  '%2e%2e%2f',
  '../',
  '..\\',
  '/etc/passwd',
  'C:\\Windows\\',
  "' OR '1'='1",
  "'; DROP TABLE cases; --",
  '" OR ""="',
  ' UNION SELECT NULL--',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${7*7}',
  '<%= 7*7 %>',
  '#{7*7}',
  '%s%n%x',
  '\r\nSet-Cookie: x=y',
  '@',
  '.',
  '-',
  ':',
  ';',
  '=',
  '&',
  '?',
  '#',
  '[]',
  '__proto__',
  'constructor',
] as const;

/** Whole values that mean something to some layer (numbers as text, keys of Object.prototype …). */
export const WHOLE = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'x@example.org',
  'a@b',
  'https://example.org/',
  'http://127.0.0.1:1/',
  'file:///etc/passwd',
  '2024-02-30T25:61:00Z',
  '9999-12-31T23:59:59Z',
  '0000-00-00',
  'CVE-2024-0001',
  'GHSA-xxxx-xxxx-xxxx',
  'pkg:npm/%40scope/x@1.0.0',
  'pkg:',
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:4.0/AV:N',
  '>=1.0.0 <2.0.0 || ^3',
  'critical',
  'high',
  'closed',
  'fixed',
  'maintainer',
  'admin',
] as const;

const pieces = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join(''));

/** A string of n repetitions of something hostile: 1 KB to ~1.2 MB (some are over the body limit). */
export const hugeString = fc
  .tuple(
    fc.constantFrom('x', 'é', '😀', '<', '\u0000', ' ', '\n', 'a,'),
    fc.integer({ min: 1000, max: 300_000 }),
  )
  .map(([c, n]) => c.repeat(n));

/** Hostile text. `huge` adds the rare very long string (keep it off where a body is not sent). */
export function hostileString(opts: { huge?: boolean; maxLength?: number } = {}): fc.Arbitrary<string> {
  const max = opts.maxLength ?? 40;
  const arbs: fc.WeightedArbitrary<string>[] = [
    { weight: 6, arbitrary: pieces },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: max }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: max }) },
    { weight: 3, arbitrary: fc.constantFrom(...WHOLE) },
    { weight: 2, arbitrary: fc.string({ maxLength: max }) },
  ];
  if (opts.huge !== false) arbs.push({ weight: 1, arbitrary: hugeString });
  return fc.oneof(...arbs);
}

/** Object keys: prototype-pollution names, field-like names and hostile text. */
export function hostileKey(fields: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '') },
    ...(fields.length ? [{ weight: 4, arbitrary: fc.constantFrom(...fields) }] : []),
    { weight: 3, arbitrary: hostileString({ huge: false, maxLength: 12 }) },
  );
}

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** A JSON scalar of any type: the wrong type for most fields. */
export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString({ huge: false }) },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A value nested 50 to 2,000 levels deep (arrays or objects), built without recursion. */
export const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 50, max: 2000 }), fc.boolean())
  .map(([n, arrays]) => {
    let v: unknown = 'leaf';
    for (let i = 0; i < n; i++) v = arrays ? [v] : { a: v };
    return v;
  });

/** Own-property objects (a `__proto__` key stays data, as JSON.parse makes it). */
const objectOf = (entries: [string, unknown][]) => Object.fromEntries(entries);

/** Any JSON value, nested up to a few levels, with hostile keys and leaves. */
export function hostileJson(fields: readonly string[] = []): fc.Arbitrary<unknown> {
  const { value } = fc.letrec<{ value: unknown; array: unknown[]; object: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileScalar,
      tie('array'),
      tie('object'),
    ),
    array: fc.array(tie('value'), { maxLength: 5 }),
    object: fc.array(fc.tuple(hostileKey(fields), tie('value')), { maxLength: 6 }).map(objectOf),
  }));
  return value;
}

/** JSON text that is hard on parsers and walkers: very deep, very wide, huge numbers, bad syntax. */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 10, max: 200_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 10, max: 100_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 100, max: 200_000 }).map((n) => `[${'0,'.repeat(n)}0]`),
  fc
    .integer({ min: 100, max: 50_000 })
    .map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`),
  fc.constantFrom(
    '',
    ' ',
    'null',
    '[]',
    '"x"',
    '1',
    '{',
    '{"a":1,}',
    '{"a":1}{"b":2}',
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"a":1e999999}',
    '{"a":"\\ud800"}',
    '{"a":"\\u0000"}',
    '\ufeff{}',
    '{"a":1,"a":2}',
  ),
  hostileString({ huge: false }),
);

// JSON schemas as Fastify keeps them (TypeBox output).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Schema = any;

const FORMAT_SAMPLES: Record<string, string[]> = {
  email: ['a@example.org', 'x+y@example.org'],
  uri: ['https://example.org/x'],
  'date-time': ['2030-01-01T00:00:00Z', '2024-05-01T10:00:00.000Z'],
  date: ['2030-01-01'],
  uuid: ['00000000-0000-4000-8000-000000000000'],
};

/**
 * Values shaped by a JSON schema: mostly what the schema asks for (so requests get past validation to
 * the handler and service), with hostile values mixed in at every level (wrong types, extra keys,
 * hostile text at the declared length limits and beyond).
 */
export function fromSchema(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const hostile = depth > 3 ? hostileScalar : hostileJson();
  return fc.oneof(
    { weight: 10, arbitrary: shaped(schema, depth) },
    { weight: 2, arbitrary: hostile },
    { weight: 1, arbitrary: deepValue },
  );
}

function shaped(schema: Schema, depth: number): fc.Arbitrary<unknown> {
  if (!schema || typeof schema !== 'object') return hostileScalar;
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.length) return fc.oneof(...alts.map((s: Schema) => shaped(s, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const names = Object.keys(props);
      if (!names.length || depth > 4) return hostileJson();
      const required: string[] = schema.required ?? [];
      const record = fc.record(Object.fromEntries(names.map((k) => [k, fromSchema(props[k], depth + 1)])), {
        requiredKeys: required.filter((k) => names.includes(k)),
      });
      // Now and then a key the schema does not know, or a prototype-pollution key.
      return fc
        .tuple(record, fc.option(fc.tuple(hostileKey(), hostileScalar), { freq: 6 }))
        .map(([r, extra]) => (extra ? objectOf([...Object.entries(r as object), extra]) : r));
    }
    case 'array': {
      const max = Math.min(schema.maxItems ?? 4, 4);
      const items = fc.array(fromSchema(schema.items, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, max),
        maxLength: max,
      });
      // Just past maxItems: the limit itself must be enforced.
      if (schema.maxItems && schema.maxItems <= 2000)
        return fc.oneof(
          { weight: 8, arbitrary: items },
          { weight: 1, arbitrary: fc.constant(Array.from({ length: schema.maxItems + 1 }, () => 'x')) },
        );
      return items;
    }
    case 'string': {
      const options: fc.Arbitrary<string>[] = [hostileString({ huge: false })];
      if (schema.format && FORMAT_SAMPLES[schema.format])
        options.push(fc.constantFrom(...FORMAT_SAMPLES[schema.format]!));
      else options.push(fc.string({ minLength: schema.minLength ?? 0, maxLength: 30 }));
      // At the limit and one past it.
      if (typeof schema.maxLength === 'number' && schema.maxLength <= 1_000_000)
        options.push(fc.constantFrom('y'.repeat(schema.maxLength), 'é'.repeat(schema.maxLength + 1)));
      return fc.oneof(...options);
    }
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 }), hostileNumber);
    case 'number':
      return hostileNumber;
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return hostileJson();
  }
}

/** Query-string entries: the schema's parameters with hostile values, or hostile names. */
export function queryEntries(schema: Schema | undefined): fc.Arbitrary<[string, string][]> {
  const names = Object.keys((schema?.properties as object | undefined) ?? {});
  const value = fc.oneof(
    hostileString({ huge: false }),
    fc.integer({ min: -5, max: 1e6 }).map(String),
    ...(names.length
      ? [
          fc.constantFrom(
            ...names.flatMap((n) => {
              const e = schema.properties[n]?.enum as unknown[] | undefined;
              return e ? e.map(String) : [];
            }),
            'x',
          ),
        ]
      : []),
  );
  return fc.array(fc.tuple(hostileKey(names), value), { maxLength: 5 });
}

/** A raw query string suffix: URL-encoded entries, or undecodable / repeated / bracketed garbage. */
export function queryString(schema: Schema | undefined): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: queryEntries(schema).map((e) => (e.length ? `?${new URLSearchParams(e)}` : '')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '?%',
        '?a=%E0%A4%A',
        '?a[b][c]=1&a=2',
        '?a=1&a=2&a=3',
        '?=',
        '?&&&',
        '?a=%00',
        '?__proto__[x]=1',
        '?limit=-1&offset=1e309',
        `?q=${'x'.repeat(20_000)}`,
      ),
    },
  );
}

/** Form fields (urlencoded): the given names and hostile ones, with hostile values (repeated names too). */
export function formEntries(fields: readonly string[]): fc.Arbitrary<[string, string][]> {
  return fc.array(
    fc.tuple(
      hostileKey(fields),
      fc.oneof(
        { weight: 8, arbitrary: hostileString({ huge: false }) },
        { weight: 1, arbitrary: hugeString },
      ),
    ),
    { maxLength: 8 },
  );
}

/** Extra request headers, some of them lies (content-type, encoding, auth schemes, forwarded-for). */
export const hostileHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.constantFrom<[string, string]>(
        ['accept', 'application/xml'],
        ['accept', '*/*;q=0.1, text/html'],
        ['accept-language', 'x'.repeat(2000)],
        ['accept-encoding', 'gzip, br, zstd'],
        ['content-encoding', 'gzip'],
        ['x-forwarded-for', '999.999.999.999, ::1, <script>'],
        ['x-forwarded-proto', 'gopher'],
        ['x-request-id', '../../etc/passwd'],
        ['cookie', 'parley_session=%00; __proto__=1; a'],
        ['origin', 'https://evil.example'],
        ['referer', 'javascript:alert(1)'],
        ['hx-request', 'true'],
        ['if-none-match', '*'],
        ['range', 'bytes=0-1,5-9'],
        ['user-agent', ''],
      ),
      fc
        .tuple(fc.constantFrom('x-test', 'cookie', 'accept', 'authorization'), hostileString({ huge: false }))
        // Header values are Latin-1 text without line breaks (anything else never reaches a server).
        .map(([k, v]) => [k, v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')] as [string, string]),
    ),
    { maxLength: 3 },
  )
  .map((entries) => Object.fromEntries(entries));

/** A hostile bearer: wrong scheme, empty, huge, or a token-shaped string that matches nothing. */
export const hostileAuthorization = fc.constantFrom(
  'Bearer',
  'Bearer ',
  'Basic YTpi',
  'bearer pt_xxxxxxxx',
  `Bearer ${'A'.repeat(5000)}`,
  'Bearer ct_%00',
  'Bearer ../../',
  'Digest username="a"',
);
