// SVG charts (src/http/pages/components/charts.tsx) rendered to strings: geometry follows the data,
// text is escaped, empty data says so, and nothing relies on a style attribute (the CSP blocks them).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { h, type ComponentChild } from 'preact';
import { render } from 'preact-render-to-string';
import {
  BarChart,
  StackedBar,
  ComplianceChart,
  niceAxis,
  formatValue,
} from '../../src/http/pages/components/charts.tsx';
import { PLOT_W } from '../../src/http/pages/components/chart-parts.tsx';

const html = (node: ComponentChild) => render(h('div', null, node));

/** Widths of the data bars, in document order. */
function barWidths(out: string): number[] {
  return [...out.matchAll(/<rect class="chart-bar chart-tone-[a-z]+"[^>]*?width="([\d.]+)"/g)].map((m) =>
    Number(m[1]),
  );
}

const rendered: string[] = [];
function keep(out: string): string {
  rendered.push(out);
  return out;
}

describe('niceAxis', () => {
  test('rounds the maximum up to a 1-2-5 step', () => {
    assert.deepEqual(niceAxis(30), { max: 30, step: 10 });
    assert.deepEqual(niceAxis(7.5), { max: 8, step: 2 });
    assert.deepEqual(niceAxis(10), { max: 10, step: 5 });
    assert.deepEqual(niceAxis(101), { max: 150, step: 50 });
    assert.deepEqual(niceAxis(0.8333), { max: 1, step: 0.5 });
    assert.deepEqual(niceAxis(0.3), { max: 0.3, step: 0.1 });
  });
  test('counts get whole-number steps', () => {
    assert.deepEqual(niceAxis(1, true), { max: 1, step: 1 });
    assert.deepEqual(niceAxis(3, true), { max: 3, step: 1 });
    assert.deepEqual(niceAxis(17, true), { max: 20, step: 5 });
  });
  test('formatValue', () => {
    assert.equal(formatValue(12.345, 'h'), '12.3 h');
    assert.equal(formatValue(1234, 'cases'), '1,234 cases');
    assert.equal(formatValue(83.33, '%'), '83.3%');
    assert.equal(formatValue(2, ''), '2');
  });
});

describe('BarChart', () => {
  const out = keep(
    html(
      h(BarChart, {
        title: 'Time to acknowledge',
        unit: 'h',
        bars: [
          { label: 'Critical', value: 10, tone: 'bad' },
          { label: 'High', value: 5, tone: 'warn' },
          { label: 'Medium', value: 2.5 },
          { label: 'Low', value: 0 },
        ],
      }),
    ),
  );

  test('bar widths are proportional to the values; the largest fills the nice axis', () => {
    assert.deepEqual(barWidths(out), [PLOT_W, PLOT_W / 2, PLOT_W / 4, 0]);
    for (const t of ['0', '5', '10']) assert.match(out, new RegExp(`class="chart-tick"[^>]*>${t}</text>`));
  });

  test('values are written beside the bars and tones become classes', () => {
    for (const v of ['10 h', '5 h', '2.5 h', '0 h']) assert.ok(out.includes(`>${v}</text>`), v);
    assert.match(out, /class="chart-bar chart-tone-bad"/);
    assert.match(out, /class="chart-bar chart-tone-neutral"/, 'default tone');
  });

  test('accessible: role=img labelled by its own <title> and <desc>', () => {
    const svg = /<svg class="chart-svg" role="img" aria-labelledby="([^" ]+) ([^"]+)"/.exec(out);
    assert.ok(svg, 'svg with role=img and aria-labelledby');
    assert.ok(out.includes(`<title id="${svg[1]}">Time to acknowledge</title>`));
    assert.match(
      out,
      new RegExp(`<desc id="${svg[2]}">[^<]*Critical: 10 h; High: 5 h; Medium: 2.5 h; Low: 0 h\\.</desc>`),
    );
  });

  test('a visually hidden table carries the same numbers', () => {
    const table = /<table class="chart-sr-only">([\s\S]*?)<\/table>/.exec(out)?.[1] ?? '';
    assert.ok(table.includes('<caption>Time to acknowledge</caption>'));
    assert.ok(table.includes('<th scope="row">High</th><td>5</td>'));
    assert.ok(table.includes('<th scope="row">Low</th><td>0</td>'));
  });

  test('labels are escaped', () => {
    const evil = keep(
      html(
        h(BarChart, { title: 'T <b>', unit: 'h', bars: [{ label: '<script>alert(1)</script>', value: 1 }] }),
      ),
    );
    assert.ok(!evil.includes('<script'), 'no raw script tag');
    assert.ok(!evil.includes('<b>'), 'no raw tag from the title');
    assert.ok(evil.includes('&lt;script>alert(1)&lt;/script>'));
  });

  test('a marker (e.g. p90) is drawn, counted in the axis, described and tabulated', () => {
    const m = keep(
      html(
        h(BarChart, {
          title: 'Time to fix',
          unit: 'h',
          markerLabel: '90th percentile',
          bars: [
            { label: 'Critical', value: 24, marker: 40 },
            { label: 'High', value: 10, marker: null },
          ],
        }),
      ),
    );
    // Axis reaches 40: the 24 h bar is 60 % of the plot, the marker line sits at its end.
    assert.deepEqual(barWidths(m), [(PLOT_W * 24) / 40, (PLOT_W * 10) / 40]);
    assert.equal(
      [...m.matchAll(/<line class="chart-marker"/g)].length,
      2,
      'one marker plus the legend swatch',
    );
    assert.ok(m.includes('Critical: 24 h (90th percentile 40 h)'));
    assert.ok(m.includes('<th scope="col">90th percentile</th>'));
    assert.ok(m.includes('<th scope="row">High</th><td>10</td><td>—</td>'));
  });

  test('long labels are shortened, the full text kept as a tooltip and in the table', () => {
    const label = 'A very long project component name indeed';
    const m = keep(html(h(BarChart, { title: 'T', unit: '', bars: [{ label, value: 3 }] })));
    assert.match(
      m,
      /<text class="chart-label"[^>]*>A very long project compo…<title>A very long project component name indeed<\/title>/,
    );
    assert.ok(m.includes(`<th scope="row">${label}</th>`));
  });

  test('empty and all-zero data say "No data yet" and draw no SVG', () => {
    for (const bars of [
      [],
      [
        { label: 'Critical', value: 0 },
        { label: 'High', value: 0 },
      ],
    ]) {
      const e = keep(html(h(BarChart, { title: 'Open cases by age', unit: 'cases', bars })));
      assert.ok(e.includes('Open cases by age'));
      assert.ok(e.includes('No data yet'));
      assert.ok(!e.includes('<svg'));
    }
    const custom = keep(
      html(h(BarChart, { title: 'T', unit: '', bars: [], emptyText: 'Nothing fixed yet' })),
    );
    assert.ok(custom.includes('Nothing fixed yet'));
  });

  test('two charts on one page get different ids', () => {
    const both = keep(
      html([
        h(BarChart, { title: 'A', unit: '', bars: [{ label: 'x', value: 1 }] }),
        h(BarChart, { title: 'B', unit: '', bars: [{ label: 'x', value: 1 }] }),
      ]),
    );
    const ids = [...both.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(ids.length, 4);
    assert.equal(new Set(ids).size, 4);
  });
});

describe('StackedBar and ComplianceChart', () => {
  const out = keep(
    html(
      h(ComplianceChart, {
        title: 'SLA compliance',
        rows: [
          {
            label: 'Acknowledge',
            compliance: {
              met: 5,
              missed: 1,
              open: { onTrack: 0, atRisk: 0, overdue: 1 },
              complianceRate: 0.8333,
            },
          },
          {
            label: 'Fix',
            compliance: {
              met: 0,
              missed: 0,
              open: { onTrack: 0, atRisk: 0, overdue: 0 },
              complianceRate: null,
            },
          },
        ],
      }),
    ),
  );

  test('segments are shares of the row: 5 met, 1 missed, 1 overdue of 7', () => {
    const w = barWidths(out);
    const expected = [5, 1, 1].map((n) => Number(((n / 7) * PLOT_W).toFixed(2)));
    assert.deepEqual(w, expected);
    assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - PLOT_W) < 0.05, 'the row fills the plot');
    assert.match(out, /chart-tone-ok"[^>]*x="188"/, 'met starts at the left edge');
  });

  test('rate and empty rows are written out; zero segments are not drawn', () => {
    assert.ok(out.includes('>83.3% met</text>'));
    assert.ok(out.includes('>none yet</text>'));
    assert.match(out, /<rect class="chart-bar chart-track"/);
    assert.ok(!/chart-bar chart-tone-info/.test(out), 'no on-track segment of width 0');
  });

  test('description, legend and table', () => {
    assert.ok(out.includes('Acknowledge: 5 met, 1 missed, 1 open – overdue (83.3% met); Fix: none.'));
    for (const l of ['Met', 'Missed', 'Open – on track', 'Open – at risk', 'Open – overdue']) {
      assert.ok(out.includes(`</svg> ${l}</li>`), l);
    }
    assert.ok(
      out.includes(
        '<th scope="row">Acknowledge (83.3% met)</th><td>5</td><td>1</td><td>0</td><td>0</td><td>1</td><td>7</td>',
      ),
    );
  });

  test('no clocks at all: "No SLA clocks yet"', () => {
    const e = keep(
      html(
        h(ComplianceChart, {
          title: 'SLA compliance',
          rows: [
            {
              label: 'Fix',
              compliance: {
                met: 0,
                missed: 0,
                open: { onTrack: 0, atRisk: 0, overdue: 0 },
                complianceRate: null,
              },
            },
          ],
        }),
      ),
    );
    assert.ok(e.includes('No SLA clocks yet'));
    assert.ok(!e.includes('<svg'));
    assert.ok(keep(html(h(StackedBar, { title: 'T', segments: [], rows: [] }))).includes('No data yet'));
  });

  test('escapes labels', () => {
    const e = keep(
      html(
        h(StackedBar, {
          title: 'T',
          segments: [{ key: 'a', label: '<i>A</i>', tone: 'ok' }],
          rows: [{ label: '<script>x</script>', values: { a: 2 }, note: '"<b>"' }],
        }),
      ),
    );
    assert.ok(!e.includes('<script') && !e.includes('<i>') && !e.includes('<b>'));
  });
});

test('no style attribute anywhere in any rendered chart, and no float noise in coordinates', () => {
  assert.ok(rendered.length >= 10, `checked ${rendered.length} renders`);
  for (const out of rendered) {
    assert.ok(!/\sstyle=/i.test(out), out.slice(0, 200));
    assert.ok(!/="-?\d+\.\d{3,}"/.test(out), 'attribute numbers have at most 2 decimals');
  }
});
