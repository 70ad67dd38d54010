// SLA clocks and metrics, measured: the cost of computing a case's four clocks under a policy with a
// time zone, holidays and business days (the inbox, every case view and the reminder scan do this per
// case), and of the metrics over 10,000 cases. Rewrites the "SLA clocks and metrics" section of
// docs/benchmarks.md. Run alone with `node --import tsx bench/clocks.ts`, or as part of `npm run bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeClocks, type ClockCaseFacts } from '../src/domain/sla/clocks.ts';
import { computeMetrics, type MetricsCase } from '../src/domain/metrics.ts';
import { parsePolicy } from '../src/domain/policy/policy-parse.ts';
import { SEVERITIES } from '../src/domain/case-state.ts';
import { writeSection } from './report-doc.ts';

const DOC = path.resolve('docs/benchmarks.md');
const HEADING = '## SLA clocks and metrics';
const H = 3_600_000;
const NOW = new Date('2026-11-23T12:00:00Z');

const parsed = parsePolicy(fs.readFileSync('examples/policies/metal-provisioning.yaml', 'utf8'));
if (!parsed.ok) throw new Error('example policy does not parse');
const sla = parsed.policy.sla;

/** A spread of cases over two years: some new, some triaged with pauses, some fixed. */
function facts(i: number): ClockCaseFacts {
  const base = Date.parse('2025-01-06T09:00:00Z') + (i % 700) * 24 * H + (i % 24) * H;
  const at = (h: number) => new Date(base + h * H).toISOString();
  const stage = i % 4;
  return {
    receivedAt: at(0),
    acknowledgedAt: stage >= 1 ? at(20) : null,
    triagedAt: stage >= 2 ? at(100) : null,
    fixedAt: stage >= 3 ? at(400) : null,
    disclosedAt: null,
    closedAt: null,
    resolution: null,
    severity: stage >= 2 ? SEVERITIES[i % 4]! : null,
    needsInfo: i % 3 === 0 ? [{ from: at(30), to: at(54) }] : [],
  };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function timeIt(rounds: number, fn: () => void): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

const N = 10_000;
const all = Array.from({ length: N }, (_, i) => facts(i));
computeClocks(sla, all[0]!, NOW); // warm the zone data
const clocksMs = timeIt(5, () => {
  for (const f of all) computeClocks(sla, f, NOW);
});
const metricsMs = timeIt(5, () => {
  const input: MetricsCase[] = all.map((f, i) => ({
    key: `B-${i}`,
    projectSlug: 'bench',
    state: f.fixedAt ? 'fixed' : f.triagedAt ? 'triaged' : f.acknowledgedAt ? 'acknowledged' : 'new',
    severity: f.severity,
    receivedAt: f.receivedAt,
    acknowledgedAt: f.acknowledgedAt,
    triagedAt: f.triagedAt,
    fixedAt: f.fixedAt,
    closedAt: null,
    clocks: computeClocks(sla, f, NOW).map((c) => ({ name: c.name, status: c.status })),
  }));
  computeMetrics(input, NOW);
});

const perCase = clocksMs / N;
const section = `${HEADING}

Run with \`npm run bench\` (bench/clocks.ts). Last run: ${new Date().toISOString()}.

**Machine:** ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores; Node ${process.version}.

**Method.** ${N.toLocaleString('en-US')} synthetic cases spread over two years under the metal-provisioning
example policy (Europe/Berlin, business days, 18 holidays, clocks in hours, days and business days); a third
of them with a needs-info pause. Median of 5 rounds; one process, nothing else measured at the same time.

| what | time |
|---|---|
| all clocks of one case (average over ${N.toLocaleString('en-US')}) | ${(perCase * 1000).toFixed(0)} µs |
| one inbox page (50 cases) | ${(perCase * 50).toFixed(1)} ms |
| clocks and metrics of ${N.toLocaleString('en-US')} cases (\`/p/{slug}/metrics\` without the query) | ${metricsMs.toFixed(0)} ms |

No target is set for these yet; they show what a page or a reminder scan spends on deadline arithmetic.
`;

writeSection(DOC, HEADING, section);
console.log(section);
