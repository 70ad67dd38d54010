// Rules the JSON Schema cannot express: real time zones, dates and semver ranges, durations that make
// sense, a strictly ordered severity scale, unique ids, safe URIs and embargo limits. They run on the
// document after defaults were filled in, and tolerate values of the wrong type (the schema reports those).
import { DateTime, IANAZone } from 'luxon';
import semver from 'semver';
import { SEVERITIES } from '../case-state.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { CLOCKS, type Duration } from './policy.types.ts';
import { fieldLabel, type PolicyProblem, type SourceLocator } from './policy-locate.ts';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const WEEKDAY_WORDS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** `mon`…`sun` or 1…7 → ISO weekday number, or null. */
export function weekdayNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 1 && v <= 7 ? v : null;
  const i = WEEKDAY_NAMES.indexOf(v as (typeof WEEKDAY_NAMES)[number]);
  return i < 0 ? null : i + 1;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `uri` is not acceptable for a field that allows `schemes`, or null when it is fine. */
function uriProblem(uri: string, schemes: ('mailto' | 'https' | 'http-local')[]): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${JSON.stringify(uri)} is not a valid URI`;
  }
  if (url.protocol === 'mailto:' && schemes.includes('mailto'))
    return /^[^@\s]+@[^@\s]+$/.test(decodeURIComponent(url.pathname))
      ? null
      : `${JSON.stringify(uri)} has no e-mail address after mailto:`;
  if (url.protocol === 'https:' && schemes.includes('https'))
    return url.hostname ? null : `${JSON.stringify(uri)} has no host`;
  if (url.protocol === 'http:' && schemes.includes('http-local')) {
    return LOCAL_HOSTS.has(url.hostname) ? null : `must use https: (http: is allowed for localhost only)`;
  }
  const allowed = schemes.map((s) => (s === 'http-local' ? 'http: (localhost)' : `${s}:`)).join(' or ');
  return `${JSON.stringify(uri)} must be a ${allowed} URI`;
}

/** Rough length in hours, only to compare two clocks of one severity. */
function roughHours(d: Duration, businessDaysPerWeek: number): number {
  if (d.unit === 'h') return d.amount;
  return d.amount * 24 * (d.unit === 'bd' ? 7 / Math.max(1, businessDaysPerWeek) : 1);
}

export function checkSemantics(
  doc: unknown,
  where: SourceLocator,
): { problems: PolicyProblem[]; warnings: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const warnings: PolicyProblem[] = [];
  const error = (path: string, message: string) => problems.push(where.problem(path, message));
  const warn = (path: string, message: string) => warnings.push(where.problem(path, message));
  /** The first of `paths` written in the source: relational rules point at what the user wrote. */
  const written = (...paths: string[]) => paths.find((p) => where.has(p)) ?? paths[0]!;
  const root = obj(doc);

  const sla = obj(root.sla);
  if (typeof sla.timeZone === 'string' && !IANAZone.isValidZone(sla.timeZone))
    error(
      '/sla/timeZone',
      `sla.timeZone: ${JSON.stringify(sla.timeZone)} is not an IANA time zone (e.g. Europe/Berlin, America/Los_Angeles, UTC)`,
    );
  const days = new Set<number>();
  list(sla.businessDays).forEach((v, i) => {
    const n = weekdayNumber(v);
    if (n === null) return;
    if (days.has(n))
      error(`/sla/businessDays/${i}`, `sla.businessDays: ${WEEKDAY_WORDS[n - 1]} is listed twice`);
    days.add(n);
  });
  const holidays = new Set<string>();
  list(sla.holidays).forEach((v, i) => {
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return;
    if (!DateTime.fromFormat(v, 'yyyy-MM-dd', { zone: 'UTC' }).isValid)
      error(`/sla/holidays/${i}`, `sla.holidays[${i}]: ${v} is not a real date`);
    else if (holidays.has(v)) warn(`/sla/holidays/${i}`, `sla.holidays[${i}]: ${v} is listed twice`);
    holidays.add(v);
  });

  const sets: [string, Obj][] = [['default', obj(sla.default)]];
  for (const s of SEVERITIES) sets.push([s, obj(obj(sla.bySeverity)[s])]);
  const parsed = new Map<string, Duration>();
  for (const [name, set] of sets) {
    const base = name === 'default' ? '/sla/default' : `/sla/bySeverity/${name}`;
    for (const clock of CLOCKS) {
      const text = set[clock];
      if (typeof text !== 'string') continue;
      const d = parseDuration(text);
      if (d) parsed.set(`${base}/${clock}`, d);
      else
        error(
          `${base}/${clock}`,
          `${fieldLabel(`${base}/${clock}`)}: ${JSON.stringify(text)} is not a usable duration: amounts must be above 0 and a range must go from the smaller to the larger number (e.g. 24-48h)`,
        );
    }
  }
  // A severity that discloses before its fix is due is legal but usually a slip.
  for (const s of SEVERITIES) {
    const pick = (clock: string) =>
      parsed.has(`/sla/bySeverity/${s}/${clock}`)
        ? { path: `/sla/bySeverity/${s}/${clock}`, d: parsed.get(`/sla/bySeverity/${s}/${clock}`)! }
        : { path: `/sla/default/${clock}`, d: parsed.get(`/sla/default/${clock}`) };
    const fix = pick('fix');
    const disclose = pick('disclose');
    if (fix.d && disclose.d && roughHours(disclose.d, days.size) < roughHours(fix.d, days.size))
      warn(
        written(`/sla/bySeverity/${s}/disclose`, `/sla/bySeverity/${s}/fix`, disclose.path),
        `sla: ${s} issues are due for disclosure before their fix is due (disclose ${formatDuration(disclose.d)}, fix ${formatDuration(fix.d)})`,
      );
  }

  const mapping = obj(obj(root.severity).mapping);
  for (let i = 0; i + 1 < SEVERITIES.length; i++) {
    const upper = SEVERITIES[i]!;
    const lower = SEVERITIES[i + 1]!;
    const u = mapping[upper];
    const l = mapping[lower];
    if (typeof u === 'number' && typeof l === 'number' && !(u > l))
      error(
        written(`/severity/mapping/${lower}`, `/severity/mapping/${upper}`),
        `severity.mapping: ${upper} (${u}) must be higher than ${lower} (${l}); the scores must decrease from critical to low`,
      );
  }

  list(root.supportedVersions).forEach((v, i) => {
    const range = obj(v).range;
    if (typeof range === 'string' && range.trim() && semver.validRange(range) === null)
      error(
        `/supportedVersions/${i}/range`,
        `supportedVersions[${i}].range: ${JSON.stringify(range)} is not a valid semver range (e.g. "1.x", ">=1.2.0 <2.0.0", "<1.0.0")`,
      );
  });

  const scope = obj(root.scope);
  const ids = new Map<string, string>();
  const unique = (path: string, id: unknown, seen: Map<string, string>, what: string) => {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, path);
    // A clash with a default list (e.g. scope.outOfScope left out) is reported where the user wrote the id.
    else if (!where.has(path) && where.has(first))
      error(first, `${what}: id ${JSON.stringify(id)} is also used by ${fieldLabel(path)} (a default)`);
    else error(path, `${what}: id ${JSON.stringify(id)} is used twice (first at ${fieldLabel(first)})`);
  };
  for (const part of ['inScope', 'outOfScope'] as const)
    list(scope[part]).forEach((item, i) => {
      unique(`/scope/${part}/${i}/id`, obj(item).id, ids, 'scope');
      const reason = obj(item).reason;
      if (part === 'outOfScope' && (typeof reason !== 'string' || !reason.trim()))
        warn(
          `/scope/outOfScope/${i}`,
          `scope.outOfScope[${i}]: no reason given; reporters are told why something is out of scope`,
        );
    });
  const checklistIds = new Map<string, string>();
  list(root.checklists).forEach((c, i) => {
    unique(`/checklists/${i}/id`, obj(c).id, checklistIds, 'checklists');
    const itemIds = new Map<string, string>();
    list(obj(c).items).forEach((item, j) =>
      unique(`/checklists/${i}/items/${j}/id`, obj(item).id, itemIds, `checklists[${i}].items`),
    );
  });

  const uris: [string, unknown, ('mailto' | 'https' | 'http-local')[]][] = [];
  list(root.contacts).forEach((c, i) =>
    uris.push([`/contacts/${i}/uri`, obj(c).uri, ['mailto', 'https', 'http-local']]),
  );
  list(root.encryption).forEach((u, i) => uris.push([`/encryption/${i}`, u, ['https']]));
  list(root.announcements).forEach((a, i) =>
    uris.push([`/announcements/${i}/uri`, obj(a).uri, ['https', 'mailto']]),
  );
  for (const [path, uri, schemes] of uris) {
    if (typeof uri !== 'string') continue;
    const why = uriProblem(uri, schemes);
    if (why) error(path, `${fieldLabel(path)}: ${why}`);
  }

  const disclosure = obj(root.disclosure);
  const { defaultEmbargoDays: def, maxEmbargoDays: max } = disclosure;
  if (typeof def === 'number' && typeof max === 'number' && def > max)
    error(
      written('/disclosure/defaultEmbargoDays', '/disclosure/maxEmbargoDays'),
      `disclosure: defaultEmbargoDays (${def}) must not exceed maxEmbargoDays (${max})`,
    );

  return { problems, warnings };
}
