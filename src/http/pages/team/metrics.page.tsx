// Metrics as charts (server-rendered SVG with the numbers in tables beside them), for one project's
// team or across a user's projects. The same numbers are at .json and .csv beside the page.
import type { MetricsReport } from '../../../services/metrics.service.ts';
import {
  DURATIONS,
  METRIC_CLOCKS,
  OPEN_METRIC_STATES,
  AGE_BUCKETS,
  SEVERITY_GROUPS,
  type DurationName,
} from '../../../domain/metrics.ts';
import { clockLabel } from '../../../domain/sla/clocks.ts';
import type { PageContext } from '../render.ts';
import { Layout } from '../components/layout.tsx';
import { BarChart, ComplianceChart } from '../components/charts.tsx';
import { stateLabel } from '../components/case-bits.tsx';

const DURATION_LABEL: Record<DurationName, string> = {
  acknowledge: 'Time to acknowledge',
  assess: 'Time to assess',
  fix: 'Time to fix',
};
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

export function MetricsPage(props: { ctx: PageContext; report: MetricsReport; base: string }) {
  const { report, base } = props;
  const m = report.metrics;
  const heading =
    report.scope.kind === 'project' ? `${report.scope.name}: metrics` : 'Metrics: all my projects';
  return (
    <Layout ctx={props.ctx} title={heading} wide>
      <h1>{heading}</h1>
      <p class="muted">
        {m.caseCount} cases, computed {m.generatedAt.replace('T', ' ').slice(0, 16)} UTC. Download as{' '}
        <a href={`${base}.json`}>JSON</a> or <a href={`${base}.csv`}>CSV</a>.
      </p>
      <section class="card" id="times">
        <h2>Response times</h2>
        <BarChart
          title="Median hours per step (line: 90th percentile)"
          unit="h"
          markerLabel="90th percentile"
          bars={DURATIONS.map((d) => ({
            label: `${DURATION_LABEL[d]} (${m.timeTo[d].overall.count})`,
            value: m.timeTo[d].overall.medianHours ?? 0,
            marker: m.timeTo[d].overall.p90Hours,
            tone: 'info' as const,
          }))}
        />
        {DURATIONS.map((d) => (
          <BarChart
            title={`${DURATION_LABEL[d]} by severity, median hours`}
            unit="h"
            markerLabel="90th percentile"
            bars={SEVERITY_GROUPS.map((s) => ({
              label: `${cap(s)} (${m.timeTo[d].bySeverity[s].count})`,
              value: m.timeTo[d].bySeverity[s].medianHours ?? 0,
              marker: m.timeTo[d].bySeverity[s].p90Hours,
              tone: 'neutral' as const,
            }))}
          />
        ))}
      </section>
      <section class="card" id="sla">
        <h2>SLA compliance</h2>
        <ComplianceChart
          title="Per clock"
          rows={METRIC_CLOCKS.map((c) => ({ label: clockLabel(c), compliance: m.sla[c].overall }))}
        />
        {METRIC_CLOCKS.map((c) => (
          <ComplianceChart
            title={`${clockLabel(c)} by severity`}
            rows={SEVERITY_GROUPS.map((s) => ({ label: cap(s), compliance: m.sla[c].bySeverity[s] }))}
          />
        ))}
      </section>
      <section class="card" id="open">
        <h2>Open cases ({m.open.total})</h2>
        <BarChart
          title="Open cases by state"
          unit="cases"
          bars={OPEN_METRIC_STATES.map((s) => ({ label: stateLabel(s), value: m.open.byState[s] }))}
          emptyText="No open cases"
        />
        <BarChart
          title="Open cases by age"
          unit="cases"
          bars={AGE_BUCKETS.map((b) => ({
            label: b.label,
            value: m.open.byAge[b.key],
            tone: b.key === 'over-90d' ? ('bad' as const) : ('neutral' as const),
          }))}
          emptyText="No open cases"
        />
      </section>
    </Layout>
  );
}
