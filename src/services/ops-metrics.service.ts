// What the operator's Prometheus gauges show, read at scrape time: job and outbox queue depths and
// the number of overdue cases. No access check here: the /metrics plugin admits only the scraper
// (bearer token or loopback), and the figures are counts without any case content.
import type { ServiceDeps } from './deps.ts';
import * as ops from '../storage/repositories/ops-metrics.repository.ts';

export interface OpsSnapshot {
  jobs: ops.DepthRow[];
  outbox: ops.DepthRow[];
  overdueCases: number;
}

export class OpsMetricsService {
  constructor(private readonly deps: Pick<ServiceDeps, 'db' | 'clock'>) {}

  async snapshot(): Promise<OpsSnapshot> {
    const { db, clock } = this.deps;
    const [jobs, outbox, overdueCases] = await Promise.all([
      ops.jobDepth(db),
      ops.outboxDepth(db),
      ops.overdueCaseCount(db, clock.now().toISOString()),
    ]);
    return { jobs, outbox, overdueCases };
  }
}
