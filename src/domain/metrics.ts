// Disclosure metrics of a project or a whole instance, computed from plain case data: how fast the
// team acknowledges, assesses and fixes, how well it keeps its SLA clocks, and what is still open.
// The caller picks the cases (one project, or all); nothing here reads a database or the clock.
//
// Definitions (tested in test/unit/metrics.test.ts):
// - A duration counts only when both timestamps are set; unparseable timestamps and negative spans
//   (bad data) are left out. Cases still waiting are not counted, so the numbers describe the cases
//   that got that far.
// - Percentiles use the nearest-rank method: the P-th percentile of n sorted values is the value at
//   rank ceil(P/100 × n). The median is the 50th percentile by the same rule, so it is always an
//   observed value (for an even count, the lower of the two middle values).
// - Hours are rounded to 2 decimals, compliance rates to 4.
// - Compliance rate = met / (met + missed); clocks still running do not count (null when none ended).
// - Age buckets of open cases, by time since the report was received: [0, 7), [7, 30), [30, 90) and
//   90 days or more.
import { SEVERITIES, isSeverity, type Severity } from './case-state.ts';

export const METRIC_CLOCKS = ['acknowledge', 'assess', 'fix', 'disclose'] as const;
export type MetricClock = (typeof METRIC_CLOCKS)[number];
export type ClockStatus = 'on-track' | 'at-risk' | 'overdue' | 'met' | 'missed';

export interface MetricsCase {
  key: string;
  projectSlug: string;
  state: string;
  severity: Severity | null;
  receivedAt: string;
  acknowledgedAt: string | null;
  triagedAt: string | null;
  fixedAt: string | null;
  closedAt: string | null;
  clocks: { name: MetricClock; status: ClockStatus }[];
}

/** Severities plus `unrated` for cases without one yet. */
export const SEVERITY_GROUPS = [...SEVERITIES, 'unrated'] as const;
export type SeverityGroup = (typeof SEVERITY_GROUPS)[number];

export const DURATIONS = ['acknowledge', 'assess', 'fix'] as const;
export type DurationName = (typeof DURATIONS)[number];

export const OPEN_METRIC_STATES = ['new', 'acknowledged', 'triaged', 'fixing', 'fixed'] as const;
export type OpenMetricState = (typeof OPEN_METRIC_STATES)[number];

export const AGE_BUCKETS = [
  { key: 'under-7d', label: 'Under 7 days', minDays: 0 },
  { key: '7-30d', label: '7–30 days', minDays: 7 },
  { key: '30-90d', label: '30–90 days', minDays: 30 },
  { key: 'over-90d', label: '90 days or more', minDays: 90 },
] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number]['key'];

export interface DurationStats {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface Compliance {
  met: number;
  missed: number;
  open: { onTrack: number; atRisk: number; overdue: number };
  complianceRate: number | null;
}

export interface Grouped<T> {
  overall: T;
  bySeverity: Record<SeverityGroup, T>;
}

export interface Metrics {
  generatedAt: string;
  caseCount: number;
  /** Received → acknowledged, acknowledged → triaged, triaged → fixed. */
  timeTo: Record<DurationName, Grouped<DurationStats>>;
  sla: Record<MetricClock, Grouped<Compliance>>;
  open: {
    total: number;
    byState: Record<OpenMetricState, number>;
    byAge: Record<AgeBucket, number>;
    bySeverity: Record<SeverityGroup, number>;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Nearest-rank percentile of ascending `sorted` values; `percent` in 1..100. */
export function nearestRank(sorted: readonly number[], percent: number): number | null {
  if (!sorted.length) return null;
  // Integer arithmetic first, so 90 × 30 / 100 is exactly 27 and not 27.000000000000004.
  const rank = Math.max(1, Math.ceil((percent * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

export function durationStats(hours: readonly number[]): DurationStats {
  const sorted = [...hours].sort((a, b) => a - b);
  const pick = (p: number) => {
    const v = nearestRank(sorted, p);
    return v === null ? null : round(v, 2);
  };
  return { count: sorted.length, medianHours: pick(50), p90Hours: pick(90) };
}

function spanHours(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / HOUR : null;
}

const SPANS: Record<DurationName, (c: MetricsCase) => number | null> = {
  acknowledge: (c) => spanHours(c.receivedAt, c.acknowledgedAt),
  assess: (c) => spanHours(c.acknowledgedAt, c.triagedAt),
  fix: (c) => spanHours(c.triagedAt, c.fixedAt),
};

function bySeverity<T>(make: () => T): Record<SeverityGroup, T> {
  return Object.fromEntries(SEVERITY_GROUPS.map((s) => [s, make()])) as Record<SeverityGroup, T>;
}

function emptyCompliance(): Compliance {
  return { met: 0, missed: 0, open: { onTrack: 0, atRisk: 0, overdue: 0 }, complianceRate: null };
}

function tally(c: Compliance, status: ClockStatus): void {
  if (status === 'met') c.met++;
  else if (status === 'missed') c.missed++;
  else if (status === 'on-track') c.open.onTrack++;
  else if (status === 'at-risk') c.open.atRisk++;
  else if (status === 'overdue') c.open.overdue++;
}

function finishCompliance(c: Compliance): void {
  const ended = c.met + c.missed;
  c.complianceRate = ended ? round(c.met / ended, 4) : null;
}

function ageBucket(receivedAt: string, now: Date): AgeBucket {
  const days = (now.getTime() - Date.parse(receivedAt)) / DAY;
  let bucket: AgeBucket = AGE_BUCKETS[0].key;
  // An unparseable date (NaN) or a date in the future stays in the first bucket.
  for (const b of AGE_BUCKETS) if (days >= b.minDays) bucket = b.key;
  return bucket;
}

function isOpenState(state: string): state is OpenMetricState {
  return (OPEN_METRIC_STATES as readonly string[]).includes(state);
}

export function computeMetrics(cases: readonly MetricsCase[], now: Date): Metrics {
  const hours = Object.fromEntries(
    DURATIONS.map((d) => [d, { overall: [] as number[], bySeverity: bySeverity(() => [] as number[]) }]),
  ) as Record<DurationName, Grouped<number[]>>;
  const sla = Object.fromEntries(
    METRIC_CLOCKS.map((k) => [k, { overall: emptyCompliance(), bySeverity: bySeverity(emptyCompliance) }]),
  ) as Record<MetricClock, Grouped<Compliance>>;
  const open: Metrics['open'] = {
    total: 0,
    byState: Object.fromEntries(OPEN_METRIC_STATES.map((s) => [s, 0])) as Record<OpenMetricState, number>,
    byAge: Object.fromEntries(AGE_BUCKETS.map((b) => [b.key, 0])) as Record<AgeBucket, number>,
    bySeverity: bySeverity(() => 0),
  };

  for (const c of cases) {
    // Rows come from storage; anything unexpected is counted as unrated or skipped, never a crash.
    const group: SeverityGroup = isSeverity(c.severity) ? c.severity : 'unrated';
    for (const d of DURATIONS) {
      const h = SPANS[d](c);
      if (h === null) continue;
      hours[d].overall.push(h);
      hours[d].bySeverity[group].push(h);
    }
    for (const clock of c.clocks) {
      if (!(METRIC_CLOCKS as readonly string[]).includes(clock.name)) continue;
      const target = sla[clock.name];
      tally(target.overall, clock.status);
      tally(target.bySeverity[group], clock.status);
    }
    if (isOpenState(c.state)) {
      open.total++;
      open.byState[c.state]++;
      open.byAge[ageBucket(c.receivedAt, now)]++;
      open.bySeverity[group]++;
    }
  }

  for (const k of METRIC_CLOCKS) {
    finishCompliance(sla[k].overall);
    for (const g of SEVERITY_GROUPS) finishCompliance(sla[k].bySeverity[g]);
  }
  const timeTo = Object.fromEntries(
    DURATIONS.map((d) => [
      d,
      {
        overall: durationStats(hours[d].overall),
        bySeverity: Object.fromEntries(
          SEVERITY_GROUPS.map((g) => [g, durationStats(hours[d].bySeverity[g])]),
        ) as Record<SeverityGroup, DurationStats>,
      },
    ]),
  ) as Record<DurationName, Grouped<DurationStats>>;

  return { generatedAt: now.toISOString(), caseCount: cases.length, timeTo, sla, open };
}

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The metrics as one tidy table, `section,group,measure,value`, CRLF line ends (RFC 4180).
 * A null value (no data) is an empty field.
 */
export function metricsToCsv(m: Metrics): string {
  const rows: Array<[string, string, string, string | number | null]> = [
    ['summary', 'all', 'generated-at', m.generatedAt],
    ['summary', 'all', 'cases', m.caseCount],
  ];
  const groups = <T>(g: Grouped<T>): Array<[string, T]> => [
    ['all', g.overall],
    ...SEVERITY_GROUPS.map((s): [string, T] => [s, g.bySeverity[s]]),
  ];
  for (const d of DURATIONS) {
    for (const [group, s] of groups(m.timeTo[d])) {
      rows.push([`time-to-${d}`, group, 'count', s.count]);
      rows.push([`time-to-${d}`, group, 'median-hours', s.medianHours]);
      rows.push([`time-to-${d}`, group, 'p90-hours', s.p90Hours]);
    }
  }
  for (const k of METRIC_CLOCKS) {
    for (const [group, c] of groups(m.sla[k])) {
      rows.push([`sla-${k}`, group, 'met', c.met]);
      rows.push([`sla-${k}`, group, 'missed', c.missed]);
      rows.push([`sla-${k}`, group, 'open-on-track', c.open.onTrack]);
      rows.push([`sla-${k}`, group, 'open-at-risk', c.open.atRisk]);
      rows.push([`sla-${k}`, group, 'open-overdue', c.open.overdue]);
      rows.push([`sla-${k}`, group, 'compliance-rate', c.complianceRate]);
    }
  }
  rows.push(['open-cases', 'all', 'count', m.open.total]);
  for (const s of OPEN_METRIC_STATES) rows.push(['open-by-state', s, 'count', m.open.byState[s]]);
  for (const b of AGE_BUCKETS) rows.push(['open-by-age', b.key, 'count', m.open.byAge[b.key]]);
  for (const s of SEVERITY_GROUPS) rows.push(['open-by-severity', s, 'count', m.open.bySeverity[s]]);

  const lines = [['section', 'group', 'measure', 'value'], ...rows].map((r) => r.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}
