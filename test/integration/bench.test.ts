import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { BenchReport } from '../../bench/bench';
import { stateDir } from '../support/engine';

const root = path.resolve(__dirname, '../..');

it(
  'measures officeflow against bare Temporal end to end and writes the results (npm run bench -- --smoke)',
  async () => {
    const out = path.join(stateDir(), 'bench-results');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/bench-command.ts', '--smoke', '--out', out], { cwd: root });
    const files = readdirSync(out);
    const base = files.find((file) => file.endsWith('.json'))!.replace(/\.json$/, '');
    expect(files.sort()).toEqual([`${base}.html`, `${base}.json`, `${base}.md`]);
    const report = JSON.parse(readFileSync(path.join(out, `${base}.json`), 'utf8')) as BenchReport;

    // Where one run's time goes: the robot's steps in Chromium, its activities, its calls to PostgreSQL and Temporal.
    const activities = report.profile.activities.map((a) => a.activity);
    expect(activities).toEqual(expect.arrayContaining(['createSalesOrder', 'enterOrderInLegacyErp', 'printInvoice', 'recordPayment']));
    expect(report.profile.robotSteps.map((s) => s.step)).toEqual(expect.arrayContaining(['save the order']));
    expect(report.profile.postgres.statements).toBeGreaterThan(20);
    expect(report.profile.temporal.byOperation.StartWorkflowExecution).toBeGreaterThanOrEqual(1);

    // Every order-to-cash run ended paid, nothing doubled, no activity timed out; each rate is measured.
    for (const row of [...report.orderToCash, report.burst, ...report.workers.map((w) => w.row)]) {
      expect(row).toMatchObject({ ok: true, activityTimeouts: 0 });
      expect(row.runsPerSecond).toBeGreaterThan(0);
      expect(row.cpu['Temporal server']).toBeGreaterThan(0);
    }
    expect(report.baseline.runsPerSecond).toBeGreaterThan(0);
    expect(report.ratios.bestOverBaseline).toBeCloseTo(
      Math.max(...report.orderToCash.map((row) => row.runsPerSecond)) / report.baseline.runsPerSecond,
    );
    expect(report.workers.map((w) => w.workers)).toEqual([1, 2]);

    // The intake accepted every event it was sent, idle and busy; the bare starts beside it.
    expect(report.intake.map((row) => row.workers)).toEqual(['bare Temporal start', 'idle', 'bare Temporal start', 'idle', 'busy', 'busy']);
    for (const row of report.intake) {
      expect(row.refused).toEqual({});
      expect(row.requests).toBeGreaterThan(0);
      expect(row.ms.p99).toBeGreaterThanOrEqual(row.ms.p50);
    }
    // The intake against bare starts: each point measured as often as the plan repeats it, the ratio in the summary.
    for (const row of report.intake.filter((r) => r.workers !== 'busy')) expect(row.repeats?.values).toHaveLength(1);

    // Each vendor's webhooks were each answered 200, and every event they brought was dispatched.
    expect(report.vendorWebhooks).toEqual(
      ['hubspot', 'salesforce', 'pipedrive'].map((source) =>
        expect.objectContaining({ source, requests: 5, refused: {}, dispatchedWithinSeconds: expect.any(Number) }),
      ),
    );

    // Robots keyed orders both ways; the pooled layer is the faster.
    expect(report.robots.map((row) => row.layer)).toEqual(['pooled', 'fresh browser']);
    expect(report.robots[0].entriesPerMinute).toBeGreaterThan(report.robots[1].entriesPerMinute);

    // Every parked run waits on Finance; the operator's searches find them all, and none past its deadline yet.
    expect(report.parked.workerMemory.at(-1)!.parked).toBe(report.parked.runs);
    expect(report.parked.queries.map((q) => q.count)).toEqual([report.parked.runs, 0, report.parked.runs]);

    const page = readFileSync(path.join(out, `${base}.html`), 'utf8');
    expect(page).toContain('<svg');
    const summary = readFileSync(path.join(out, `${base}.md`), 'utf8');
    expect(summary).toContain('of the bare-Temporal rate');
    expect(summary).toMatch(
      /The intake's p99 over a bare Temporal start's, workers idle:\*\* \d+\.\d\d at 1 sender, \d+\.\d\d at 16 senders/,
    );
  },
  6 * 60_000,
);
