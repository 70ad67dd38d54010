// Drives one server with autocannon: POSTs of a report, each with its own title. Runs a fixed number
// of requests (not a fixed time) so that every request sent is answered before the run ends, which
// lets the bench compare the database's case count with the 2xx count exactly.
import { performance } from 'node:perf_hooks';
import autocannon, { type RequestSpec } from 'autocannon';

export const PROJECT_SLUG = 'bench';

export const REPORT = {
  title: 'Bench report',
  description:
    'A path traversal in the archive extractor lets a crafted tarball write outside the target directory.',
  stepsToReproduce:
    '1. Build a tarball with an entry named ../../etc/cron.d/x\n2. Upload it\n3. Observe the file outside the target',
  impact: 'Arbitrary file write as the service user, leading to code execution.',
  affectedVersions: '>=1.2.0 <1.4.3',
  suggestedFix: 'Reject entries whose cleaned path leaves the target directory.',
  reporterEmail: 'reporter@example.org',
  creditPreference: 'handle',
  creditName: 'bench',
};

export interface LoadResult {
  requests: number;
  twoxx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

export async function drive(url: string, opts: { connections: number; amount: number }): Promise<LoadResult> {
  let n = 0;
  const request: RequestSpec = {
    method: 'POST',
    path: `/api/v1/projects/${PROJECT_SLUG}/reports`,
    headers: { 'content-type': 'application/json' },
    setupRequest: (req) => ({ ...req, body: JSON.stringify({ ...REPORT, title: `Bench report ${++n}` }) }),
  };
  const started = performance.now();
  let last = started;
  const instance = autocannon({
    url,
    connections: opts.connections,
    amount: opts.amount,
    timeout: 10,
    requests: [request],
  });
  // autocannon notices the end only at its next 1 s sample tick; time the run to its last answer instead.
  instance.on('response', () => {
    last = performance.now();
  });
  const r = await instance;
  const statusCodes = Object.fromEntries(
    Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]),
  );
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const seconds = (last - started) / 1000;
  return {
    requests,
    twoxx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
    seconds,
    rps: requests / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
}
