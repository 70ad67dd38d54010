// Stacked 100 % bars, used for SLA compliance: each row splits into met / missed / still-running
// clocks. Same rules as charts.tsx: no style attributes, <title>/<desc>, a hidden table with the numbers.
import { useId } from 'preact/hooks';
import type { Compliance } from '../../../domain/metrics.ts';
import {
  BAR_H,
  Empty,
  NUMBER,
  PLOT_W,
  PLOT_X,
  ROW_H,
  TOP,
  finite,
  px,
  RowLabel,
  type Tone,
  ChartSvg,
} from './chart-parts.tsx';

export interface StackSegment {
  key: string;
  label: string;
  tone: Tone;
}

export interface StackRow {
  label: string;
  values: Record<string, number>;
  /** Written after the bar, e.g. "83% met". */
  note?: string;
}

/** One 100 % bar per row, split into segments by share; segments and counts are in the legend and table. */
export function StackedBar(props: {
  title: string;
  segments: StackSegment[];
  rows: StackRow[];
  emptyText?: string;
}) {
  const uid = useId();
  const { title, segments, rows } = props;
  const count = (r: StackRow, key: string) => Math.max(0, finite(r.values[key]));
  const totals = rows.map((r) => segments.reduce((sum, s) => sum + count(r, s.key), 0));
  if (!rows.length || totals.every((t) => t === 0)) {
    return <Empty title={title} text={props.emptyText ?? 'No data yet'} />;
  }
  const height = TOP * 2 + rows.length * ROW_H;
  // Zero segments are left out of the spoken summary; the table below still lists them.
  const summary = (r: StackRow, i: number) => {
    if (totals[i] === 0) return `${r.label}: none`;
    const parts = segments
      .filter((s) => count(r, s.key) > 0)
      .map((s) => `${count(r, s.key)} ${s.label.toLowerCase()}`);
    return `${r.label}: ${parts.join(', ')}${r.note ? ` (${r.note})` : ''}`;
  };

  return (
    <figure class="chart">
      <figcaption class="chart-title">{title}</figcaption>
      <ChartSvg
        id={uid}
        title={title}
        height={height}
        desc={`Stacked bar chart of shares. ${rows.map(summary).join('; ')}.`}
      >
        {rows.map((r, i) => {
          const y = TOP + i * ROW_H + (ROW_H - BAR_H) / 2;
          const total = totals[i]!;
          let x = PLOT_X;
          return (
            <g class="chart-row" key={i}>
              <RowLabel label={r.label} y={y + BAR_H / 2} />
              {total === 0 ? (
                <rect class="chart-bar chart-track" x={PLOT_X} y={y} width={PLOT_W} height={BAR_H} />
              ) : (
                segments.map((s) => {
                  const w = px((count(r, s.key) / total) * PLOT_W);
                  const rect = (
                    <rect
                      key={s.key}
                      class={`chart-bar chart-tone-${s.tone}`}
                      x={px(x)}
                      y={y}
                      width={w}
                      height={BAR_H}
                    />
                  );
                  x += w;
                  return w > 0 ? rect : null;
                })
              )}
              <text class="chart-value" x={PLOT_X + PLOT_W + 6} y={y + BAR_H / 2} dominant-baseline="middle">
                {total === 0 ? 'none yet' : (r.note ?? String(total))}
              </text>
            </g>
          );
        })}
      </ChartSvg>
      <ul class="chart-legend">
        {segments.map((s) => (
          <li key={s.key}>
            <svg class="chart-swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
              <rect class={`chart-tone-${s.tone}`} width="12" height="12" rx="2" />
            </svg>{' '}
            {s.label}
          </li>
        ))}
      </ul>
      <table class="chart-sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            {segments.map((s) => (
              <th scope="col" key={s.key}>
                {s.label}
              </th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <th scope="row">{r.note ? `${r.label} (${r.note})` : r.label}</th>
              {segments.map((s) => (
                <td key={s.key}>{count(r, s.key)}</td>
              ))}
              <td>{totals[i]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export const COMPLIANCE_SEGMENTS: StackSegment[] = [
  { key: 'met', label: 'Met', tone: 'ok' },
  { key: 'missed', label: 'Missed', tone: 'bad' },
  { key: 'onTrack', label: 'Open – on track', tone: 'info' },
  { key: 'atRisk', label: 'Open – at risk', tone: 'warn' },
  { key: 'overdue', label: 'Open – overdue', tone: 'severe' },
];

/** SLA clocks per group (a clock, or a severity) as met / missed / still running, with the compliance rate. */
export function ComplianceChart(props: { title: string; rows: { label: string; compliance: Compliance }[] }) {
  const rows: StackRow[] = props.rows.map(({ label, compliance: c }) => ({
    label,
    values: { met: c.met, missed: c.missed, ...c.open },
    note: c.complianceRate === null ? 'no clock ended' : `${NUMBER.format(c.complianceRate * 100)}% met`,
  }));
  return (
    <StackedBar
      title={props.title}
      segments={COMPLIANCE_SEGMENTS}
      rows={rows}
      emptyText="No SLA clocks yet"
    />
  );
}
