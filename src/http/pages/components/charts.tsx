// Server-rendered SVG charts for the metrics pages. No JavaScript and no style attributes (the CSP
// blocks them): geometry is SVG presentation attributes, colours are CSS classes from
// /assets/charts.css that read custom properties. Every chart is an <svg role="img"> with <title> and
// <desc>, followed by a visually hidden table with the same numbers for screen readers and text browsers.
import { useId } from 'preact/hooks';
import {
  AXIS_H,
  BAR_H,
  Empty,
  NUMBER,
  PLOT_W,
  PLOT_X,
  ROW_H,
  TOP,
  finite,
  formatValue,
  niceAxis,
  px,
  RowLabel,
  type Tone,
  ChartSvg,
} from './chart-parts.tsx';

export { formatValue, niceAxis, type Tone } from './chart-parts.tsx';
export {
  StackedBar,
  ComplianceChart,
  COMPLIANCE_SEGMENTS,
  type StackSegment,
  type StackRow,
} from './stacked-bar.tsx';

export interface Bar {
  label: string;
  value: number;
  tone?: Tone;
  /** A second value drawn as a tick across the bar, e.g. the 90th percentile behind a median. */
  marker?: number | null;
}

/** Horizontal bars with their values written beside them, on an axis rounded up to a nice number. */
export function BarChart(props: {
  title: string;
  unit: string;
  bars: Bar[];
  /** Names the marker value (e.g. "90th percentile") in the description, legend and table. */
  markerLabel?: string;
  emptyText?: string;
}) {
  const uid = useId();
  const { title, unit, bars } = props;
  const values = bars.map((b) => Math.max(0, finite(b.value)));
  const markers = bars.map((b) =>
    b.marker === null || b.marker === undefined ? null : Math.max(0, finite(b.marker)),
  );
  const top = Math.max(0, ...values, ...markers.map((m) => m ?? 0));
  if (!bars.length || top === 0) return <Empty title={title} text={props.emptyText ?? 'No data yet'} />;

  const axis = niceAxis(
    top,
    [...values, ...markers].every((v) => v === null || Number.isInteger(v)),
  );
  // Coordinates rounded to 0.01 px: exact enough, and no 414.66999999999996 in the markup.
  const scale = (v: number) => px((v / axis.max) * PLOT_W);
  const xAt = (v: number) => px(PLOT_X + (v / axis.max) * PLOT_W);
  const height = TOP + bars.length * ROW_H + AXIS_H;
  const ticks = Array.from({ length: Math.round(axis.max / axis.step) + 1 }, (_, i) => i * axis.step);
  const hasMarker = markers.some((m) => m !== null);
  const describe = (b: Bar, i: number) =>
    `${b.label}: ${formatValue(values[i]!, unit)}` +
    (markers[i] !== null && props.markerLabel
      ? ` (${props.markerLabel} ${formatValue(markers[i]!, unit)})`
      : '');

  return (
    <figure class="chart">
      <figcaption class="chart-title">{title}</figcaption>
      <ChartSvg
        id={uid}
        title={title}
        height={height}
        desc={`Bar chart, scale 0 to ${formatValue(axis.max, unit)}. ${bars.map(describe).join('; ')}.`}
      >
        <g class="chart-grid" aria-hidden="true">
          {ticks.map((t) => (
            <g key={t}>
              <line class="chart-gridline" x1={xAt(t)} x2={xAt(t)} y1={TOP} y2={height - AXIS_H} />
              <text class="chart-tick" x={xAt(t)} y={height - 6} text-anchor="middle">
                {NUMBER.format(t)}
              </text>
            </g>
          ))}
        </g>
        {bars.map((b, i) => {
          const y = TOP + i * ROW_H + (ROW_H - BAR_H) / 2;
          const w = scale(values[i]!);
          const m = markers[i];
          return (
            <g class="chart-row" key={i}>
              <RowLabel label={b.label} y={y + BAR_H / 2} />
              <rect
                class={`chart-bar chart-tone-${b.tone ?? 'neutral'}`}
                x={PLOT_X}
                y={y}
                width={w}
                height={BAR_H}
              />
              {m !== null && m !== undefined ? (
                <line class="chart-marker" x1={xAt(m)} x2={xAt(m)} y1={y - 3} y2={y + BAR_H + 3} />
              ) : null}
              <text
                class="chart-value"
                x={px(Math.max(xAt(values[i]!), m === null || m === undefined ? 0 : xAt(m)) + 6)}
                y={y + BAR_H / 2}
                dominant-baseline="middle"
              >
                {formatValue(values[i]!, unit)}
              </text>
            </g>
          );
        })}
      </ChartSvg>
      {hasMarker && props.markerLabel ? (
        <p class="chart-legend-note">
          <svg class="chart-swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
            <line class="chart-marker" x1="6" x2="6" y1="0" y2="12" />
          </svg>{' '}
          {props.markerLabel}
        </p>
      ) : null}
      <table class="chart-sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">{unit ? `Value (${unit})` : 'Value'}</th>
            {hasMarker ? <th scope="col">{props.markerLabel ?? 'Marker'}</th> : null}
          </tr>
        </thead>
        <tbody>
          {bars.map((b, i) => (
            <tr key={i}>
              <th scope="row">{b.label}</th>
              <td>{NUMBER.format(values[i]!)}</td>
              {hasMarker ? <td>{markers[i] === null ? '—' : NUMBER.format(markers[i]!)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
