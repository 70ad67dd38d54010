// Shared pieces of the SVG charts in charts.tsx: layout constants, number formatting, the axis
// rounding, and the "no data" placeholder. Geometry only; colours live in /assets/charts.css.
import type { ComponentChildren } from 'preact';

export type Tone = 'ok' | 'warn' | 'bad' | 'severe' | 'info' | 'neutral';

export const WIDTH = 640;
export const LABEL_W = 180;
export const PLOT_X = LABEL_W + 8;
export const PLOT_W = 340;
export const ROW_H = 28;
export const BAR_H = 18;
export const TOP = 6;
export const AXIS_H = 22;
export const LABEL_CHARS = 26;

export const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatValue(value: number, unit: string): string {
  const n = NUMBER.format(value);
  if (!unit) return n;
  return unit === '%' ? `${n}%` : `${n} ${unit}`;
}

/**
 * An axis maximum of 1, 2 or 5 × 10^k ticks that reaches `max`, in about four steps.
 * Counts (all integers) never get fractional ticks.
 */
export function niceAxis(max: number, integers = false): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: integers ? 1 : 0.25 };
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step0 = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw - 1e-12) ?? 10 * magnitude;
  const step = integers ? Math.max(1, Math.ceil(step0)) : step0;
  // Round away floating-point noise (0.1 + 0.2) before taking the ceiling.
  const steps = Math.ceil(Number((max / step).toFixed(9)));
  return { max: Number((steps * step).toPrecision(12)), step };
}

export const px = (n: number) => Number(n.toFixed(2));

export const finite = (n: number | null | undefined) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);

/** A row label right-aligned against the bars; long labels are cut, the full text kept as a tooltip. */
export function RowLabel(props: { label: string; y: number }) {
  const long = props.label.length > LABEL_CHARS;
  return (
    <text class="chart-label" x={LABEL_W} y={props.y} text-anchor="end" dominant-baseline="middle">
      {long ? `${props.label.slice(0, LABEL_CHARS - 1)}…` : props.label}
      {long ? <title>{props.label}</title> : null}
    </text>
  );
}

export function Empty(props: { title: string; text: string }) {
  return (
    <figure class="chart chart-empty">
      <figcaption class="chart-title">{props.title}</figcaption>
      <p class="chart-empty-text">{props.text}</p>
    </figure>
  );
}

/** The accessible SVG of a chart: labelled by its own <title> and <desc>; `id` keeps charts on one page apart. */
export function ChartSvg(props: {
  id: string;
  title: string;
  desc: string;
  height: number;
  children: ComponentChildren;
}) {
  return (
    <svg
      class="chart-svg"
      role="img"
      aria-labelledby={`${props.id}-t ${props.id}-d`}
      viewBox={`0 0 ${WIDTH} ${props.height}`}
      width={WIDTH}
      height={props.height}
    >
      <title id={`${props.id}-t`}>{props.title}</title>
      <desc id={`${props.id}-d`}>{props.desc}</desc>
      {props.children}
    </svg>
  );
}
