// Scores CVSS vectors for cases and advisories. ae-cvss-calculator parses and scores; this module
// validates first, because the library silently accepts a lot that the FIRST specifications forbid:
// a wrong or missing "CVSS:x.y/" prefix, duplicate metrics (the last one wins), empty parts, junk
// after a value ("AV:N:zzz"), "X" (Not Defined) for a base metric, and missing base metrics (a 4.0
// vector without SA scores 0.0). Every such vector is rejected here with a message naming the problem.
//
// Decisions (see the unit tests):
// - CVSS 3.0, 3.1 and 4.0 are accepted; 2.0 (no prefix) is rejected. 3.0 is still common in older
//   advisories and the library scores it with the 3.0 formulas, so it is reported as version '3.0'.
// - Metrics may come in any order (the specs tell readers to accept that), each at most once, names
//   and values case-sensitive as in the specs. The normalised vector lists the metrics in
//   specification order and drops optional metrics given as "X" (Not Defined: the same meaning).
// - `baseScore` for 3.x is the base score: temporal and environmental metrics do not change it.
//   For 4.0 it is the score of the whole vector as given, which the 4.0 spec names CVSS-B, -BT, -BE or
//   -BTE by the metric groups present; `nomenclature` says which (it is null for 3.x).
import cvssLib from 'ae-cvss-calculator';
import { ValidationError } from '../../domain/errors.ts';
import { BASE_METRICS, type BaseMetricSpec, type CvssVersion } from './cvss-base-metrics.ts';

export type { CvssVersion } from './cvss-base-metrics.ts';

export type CvssRating = 'none' | 'low' | 'medium' | 'high' | 'critical';
export type Cvss4Nomenclature = 'CVSS-B' | 'CVSS-BT' | 'CVSS-BE' | 'CVSS-BTE';

export interface CvssMetric {
  key: string;
  name: string;
  value: string;
  valueName: string;
}

export interface CvssResult {
  version: CvssVersion;
  /** Normalised: prefix, then the metrics given in specification order, without "X" values. */
  vector: string;
  baseScore: number;
  rating: CvssRating;
  /** 4.0 only: which metric groups `baseScore` covers. */
  nomenclature: Cvss4Nomenclature | null;
  /** The base metrics in specification order. */
  metrics: CvssMetric[];
}

/** Far longer than any real vector (a 4.0 vector with every metric is about 200 characters). */
export const CVSS_VECTOR_MAX_LENGTH = 400;

const { Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLib;

// A Map, not an object: a prefix such as "constructor" must not find Object.prototype members.
const PREFIXES: ReadonlyMap<string, CvssVersion> = new Map([
  ['CVSS:3.0', '3.0'],
  ['CVSS:3.1', '3.1'],
  ['CVSS:4.0', '4.0'],
]);

/** The library's metric descriptor (its type is not exported from the package entry point). */
type Component = NonNullable<ReturnType<InstanceType<typeof Cvss3P1>['findComponent']>>;

/** Every metric the library knows for a version, in the order the specification writes them. */
function metricOrder(version: CvssVersion): Component[] {
  const groups =
    version === '4.0'
      ? new Cvss4P0().getVectorStringOrderProperties()
      : (version === '3.0' ? new Cvss3P0() : new Cvss3P1()).getRegisteredComponents();
  return [...groups.values()].flat();
}

const ORDER: Readonly<Record<CvssVersion, Component[]>> = {
  '3.0': metricOrder('3.0'),
  '3.1': metricOrder('3.1'),
  '4.0': metricOrder('4.0'),
};

/** The qualitative severity rating scale of CVSS 3.x and 4.0 (the same bands in both). */
export function cvssRating(score: number): CvssRating {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

/** Echoes user input in messages, shortened so a pasted essay does not become the error text. */
function quote(text: string): string {
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text);
}

function invalid(messages: string[]): never {
  throw new ValidationError(
    messages.map((message) => ({ field: 'cvss', message })),
    'The CVSS vector is not valid.',
  );
}

interface Parsed {
  version: CvssVersion;
  values: Map<string, string>;
}

function parse(raw: unknown): Parsed {
  const input = typeof raw === 'string' ? raw.trim() : '';
  if (!input) invalid(['Enter a CVSS vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.']);
  if (input.length > CVSS_VECTOR_MAX_LENGTH) {
    invalid([`A CVSS vector is at most ${CVSS_VECTOR_MAX_LENGTH} characters long.`]);
  }
  const slash = input.indexOf('/');
  const prefix = slash === -1 ? input : input.slice(0, slash);
  const version = PREFIXES.get(prefix);
  if (!version) {
    invalid([
      prefix.startsWith('CVSS:')
        ? `Unknown CVSS version ${quote(prefix)}: Parley reads CVSS:3.0, CVSS:3.1 and CVSS:4.0 vectors.`
        : 'A CVSS vector starts with its version, "CVSS:3.1/" or "CVSS:4.0/" (CVSS 2.0 vectors are not supported).',
    ]);
  }

  const known = new Map(ORDER[version].map((c) => [c.shortName, c]));
  const base = new Map(BASE_METRICS[version].map((m) => [m.key, m]));
  const values = new Map<string, string>();
  const seen = new Set<string>();
  const errors: string[] = [];
  const parts = slash === -1 ? [] : input.slice(slash + 1).split('/');
  for (const part of parts) {
    const pair = part.split(':');
    const key = pair[0] ?? '';
    const value = pair[1] ?? '';
    if (pair.length !== 2 || !key || !value) {
      errors.push(
        part === ''
          ? 'The vector has an empty part (a doubled or trailing "/").'
          : `${quote(part)} is not a METRIC:VALUE pair such as "AV:N".`,
      );
      continue;
    }
    const component = known.get(key);
    if (!component) {
      errors.push(`Unknown metric ${quote(key)} for CVSS ${version}.`);
      continue;
    }
    if (seen.has(key)) {
      errors.push(`Metric ${key} (${component.name}) appears more than once.`);
      continue;
    }
    seen.add(key);
    const spec = base.get(key);
    const allowed = spec ? spec.values.map(([v]) => v) : component.values.map((v) => v.shortName);
    if (!allowed.includes(value)) {
      const name = spec?.name ?? component.name;
      errors.push(
        `Invalid value ${quote(value)} for ${key} (${name}); expected one of ${allowed.join(', ')}.`,
      );
      continue;
    }
    values.set(key, value);
  }
  const missing = BASE_METRICS[version].filter((m) => !seen.has(m.key));
  if (missing.length) {
    const list = missing.map((m) => `${m.key} (${m.name})`).join(', ');
    errors.push(`Missing mandatory base metric${missing.length > 1 ? 's' : ''}: ${list}.`);
  }
  if (errors.length) invalid(errors);
  return { version, values };
}

function canonical({ version, values }: Parsed): string {
  const parts = ORDER[version]
    .filter((c) => values.has(c.shortName) && values.get(c.shortName) !== 'X')
    .map((c) => `${c.shortName}:${values.get(c.shortName)}`);
  return `CVSS:${version}/${parts.join('/')}`;
}

function describe(spec: BaseMetricSpec, value: string): CvssMetric {
  const valueName = spec.values.find(([v]) => v === value)?.[1] ?? value;
  return { key: spec.key, name: spec.name, value, valueName };
}

function score(
  version: CvssVersion,
  vector: string,
): { score: number | undefined; nomenclature: string | null } {
  if (version === '4.0') {
    const v = new Cvss4P0(vector);
    return { score: v.calculateScores().overall, nomenclature: v.getNomenclature() };
  }
  const v = version === '3.0' ? new Cvss3P0(vector) : new Cvss3P1(vector);
  return { score: v.calculateScores().base, nomenclature: null };
}

/** Validates, normalises and scores a CVSS 3.0/3.1/4.0 vector; throws ValidationError (field `cvss`). */
export function scoreVector(vector: string): CvssResult {
  const parsed = parse(vector);
  const normalised = canonical(parsed);
  let result: ReturnType<typeof score>;
  try {
    result = score(parsed.version, normalised);
  } catch (e) {
    // Not expected after the checks above; still the user's input, so still a validation problem.
    invalid([`The CVSS calculator rejected the vector: ${e instanceof Error ? e.message : String(e)}`]);
  }
  const baseScore = result.score;
  if (typeof baseScore !== 'number' || !Number.isFinite(baseScore)) {
    invalid(['The CVSS calculator could not compute a score for this vector.']);
  }
  return {
    version: parsed.version,
    vector: normalised,
    baseScore,
    rating: cvssRating(baseScore),
    nomenclature: result.nomenclature as Cvss4Nomenclature | null,
    metrics: BASE_METRICS[parsed.version].map((spec) => describe(spec, parsed.values.get(spec.key)!)),
  };
}
