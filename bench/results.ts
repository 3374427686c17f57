import type { BenchReport } from './bench';
import type { IntakeLatencyRow } from './intake-latency';
import type { Repeats } from './statistics';
import type { ThroughputRow } from './throughput';
import { timeoutsShown } from './report';

const n = (value: number, digits = 2) => value.toFixed(digits);
const table = (head: string[], rows: Array<Array<string | number>>) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
const cpuPerRun = (row: { cpu: Record<string, number>; runs: number }) =>
  Object.entries(row.cpu)
    .filter(([part]) => part !== 'machine')
    .sort(([, a], [, b]) => b - a)
    .map(([part, seconds]) => `${part} ${n(seconds / row.runs)}`)
    .join(', ');

/** A median, with the lowest and highest of its repeats where it was measured more than once: `1.66 (1.60–1.71, 3×)`. */
const withRange = (median: number, repeats: Repeats | undefined, shown: (value: number) => string) =>
  repeats && repeats.values.length > 1
    ? `${shown(median)} (${shown(Math.min(...repeats.values))}–${shown(Math.max(...repeats.values))}, ${repeats.values.length}×)`
    : shown(median);
const rate = ({ runsPerSecond, repeats }: { runsPerSecond: number; repeats?: Repeats }) => withRange(runsPerSecond, repeats, n);

/** A row of the throughput table. */
const throughputCells = (workload: string, row: ThroughputRow & { repeats?: Repeats }) => [
  workload,
  row.runs,
  rate(row),
  n(row.runSeconds.p50, 1),
  n(row.runSeconds.p95, 1),
  timeoutsShown(row),
  cpuPerRun(row),
];

/** The worker's memory with no run waiting, at its highest and at the end, and at most what each cached run added. */
function workerMemoryLine({ workerMemory, runs, cachedWorkflows }: BenchReport['parked']): string {
  const [first, last] = [workerMemory[0].mib, workerMemory[workerMemory.length - 1].mib];
  const highest = Math.max(...workerMemory.map((m) => m.mib));
  const megabytesPerMiB = 1.048576;
  const perCachedRun = ((last - first) * megabytesPerMiB) / Math.min(runs, cachedWorkflows);
  return `Worker memory: ${first} MiB with none waiting, ${highest} MiB at its highest, ${last} MiB at the end: at most ${n(perCachedRun)} MB a cached run (all it grew by, over the runs it caches).`;
}

/** At each concurrency, the intake's p99 with workers idle over a bare Temporal start's. */
function intakeOverBare(rows: IntakeLatencyRow[]): Array<{ concurrency: number; ratio: number }> {
  const p99 = (workers: IntakeLatencyRow['workers'], concurrency: number) =>
    rows.find((row) => row.workers === workers && row.concurrency === concurrency)?.ms.p99;
  return rows
    .filter((row) => row.workers === 'idle')
    .flatMap(({ concurrency }) => {
      const [intake, bare] = [p99('idle', concurrency), p99('bare Temporal start', concurrency)];
      return intake && bare ? [{ concurrency, ratio: intake / bare }] : [];
    });
}

/** The benchmark's results as Markdown: what docs/performance.md quotes. */
export function markdown(report: BenchReport): string {
  const { machine, baseline, ratios, profile, parked } = report;
  const throughput = [...report.orderToCash, report.burst];
  // At most a dozen of the memory samples, evenly spread, the last always.
  const every = Math.ceil(parked.workerMemory.length / 12);
  const memory = parked.workerMemory.filter((_, i, all) => i % every === 0 || i === all.length - 1);
  const activityMs = new Map<string, { ran: number; queued: number; count: number }>();
  for (const a of profile.activities) {
    const sum = activityMs.get(a.activity) ?? { ran: 0, queued: 0, count: 0 };
    activityMs.set(a.activity, { ran: sum.ran + a.ranMs, queued: sum.queued + a.queuedMs, count: sum.count + 1 });
  }
  return [
    `## Benchmark, ${machine.date.slice(0, 10)}`,
    `${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; ${report.temporal}, officeflow's records in an embedded PostgreSQL, stand-in portals at their real speed (1.5 s confirmation page), the legacy ERP portal's limits of 4 at once and 120 a minute lifted, ${report.settings.BROWSER_PAGES ?? 'default'} browser pages; workers in processes of their own.`,
    '',
    `**Order-to-cash at its best (${ratios.bestConcurrency} in flight): ${n(ratios.bestOverBaseline)} of the bare-Temporal rate** (target ≥ 0.35; medians of each point's repeats); **a burst of ${report.burst.runs}: ${n(ratios.burstOverBest)} of the best steady rate** (target ≥ 0.9), activity timeouts: ${timeoutsShown(report.burst)}.`,
    '',
    `**The intake's p99 over a bare Temporal start's, workers idle:** ${intakeOverBare(report.intake)
      .map(({ concurrency, ratio }) => `${n(ratio)} at ${concurrency} sender${concurrency > 1 ? 's' : ''}`)
      .join(', ')} (target ≤ 1.3 at 16 and 64; medians of each point's repeats).`,
    '',
    '### Throughput',
    '',
    table(
      ['workload', 'runs', 'runs/s (median; lowest–highest)', 'run p50 s', 'run p95 s', 'activity timeouts', 'CPU-s per run, by part'],
      [
        [
          `bare Temporal: ${baseline.workflows} × ${baseline.steps} no-op activities, ${baseline.concurrency} at a time`,
          baseline.workflows,
          rate(baseline),
          '',
          '',
          '',
          cpuPerRun({ cpu: baseline.cpu, runs: baseline.workflows }),
        ],
        ...throughput.map((row) => throughputCells(`order-to-cash, ${row.mode}`, row)),
        ...report.workers.map(({ workers, row }) =>
          throughputCells(`order-to-cash, ${row.mode}, ${workers} worker process${workers > 1 ? 'es' : ''}`, row),
        ),
      ],
    ),
    '',
    '### Intake (an intake process of its own; senders in the bench process)',
    '',
    table(
      ['workers', 'senders', 'requests', 'accepted/s', 'p50 ms', 'p95 ms', 'p99 ms (median; lowest–highest)', 'refused'],
      report.intake.map((row) => [
        row.workers,
        row.concurrency,
        row.requests,
        n(row.acceptedPerSecond, 0),
        row.ms.p50,
        row.ms.p95,
        withRange(row.ms.p99, row.repeats, (ms) => n(ms, 1)),
        JSON.stringify(row.refused),
      ]),
    ),
    '',
    "### Vendors' webhooks (HubSpot's signed batches, Salesforce's SOAP messages, Pipedrive's single changes; an intake process of its own)",
    '',
    table(
      ['source', 'deliveries/s', 'events each', 'deliveries', 'p50 ms', 'p95 ms', 'p99 ms', 'refused', 'all dispatched within s'],
      report.vendorWebhooks.map((row) => [
        row.source,
        row.rate,
        row.batch,
        row.requests,
        row.ms.p50,
        row.ms.p95,
        row.ms.p99,
        JSON.stringify(row.refused),
        row.dispatchedWithinSeconds,
      ]),
    ),
    '',
    '### Robots (legacy ERP entries by the real robot, portal limits lifted)',
    '',
    table(
      ['layer', 'at once', 'entries', 'entries/min'],
      report.robots.map((row) => [row.layer, row.concurrency, row.entries, n(row.entriesPerMinute, 1)]),
    ),
    `Pooled over fresh: ${n(report.robots[0].entriesPerMinute / report.robots[1].entriesPerMinute, 1)}×.`,
    '',
    `### ${parked.runs} runs parked on a human task`,
    '',
    `Accepted in ${n(parked.startSeconds, 0)} s, all waiting after ${n(parked.parkedSeconds, 0)} s; workflow cache: ${parked.cachedWorkflows} per task queue.`,
    '',
    workerMemoryLine(parked),
    '',
    table(['runs waiting', ...memory.map((m) => String(m.parked))], [['worker MiB', ...memory.map((m) => m.mib)]]),
    '',
    table(
      ['search', 'runs', 'ms'],
      parked.queries.map((q) => [`\`${q.query}\``, q.count, q.ms]),
    ),
    '',
    `### Profile of one order-to-cash run (idle engine): ${n(profile.seconds)} s`,
    '',
    table(
      ['activity', 'times', 'queued ms', 'ran ms'],
      [...activityMs].map(([activity, t]) => [activity, t.count, t.queued, t.ran]),
    ),
    '',
    `Workflow tasks: ${profile.workflowTasks.count}, ${profile.workflowTasks.ms} ms in all (scheduled to completed). ` +
      `Chromium steps: ${profile.robotSteps.map((s) => `${s.robot} "${s.step}" ${s.ms} ms`).join(', ')}. ` +
      `PostgreSQL: ${profile.postgres.statements} statements. Temporal: ${profile.temporal.requests} requests (${Object.entries(
        profile.temporal.byOperation,
      )
        .map(([operation, count]) => `${operation} ${count}`)
        .join(', ')}).`,
    '',
  ].join('\n');
}

/** An SVG line chart of `series` over concurrency (log scale on x). */
function chart(title: string, unit: string, series: Array<{ name: string; points: Array<[number, number]>; dashed?: boolean }>): string {
  const width = 560;
  const height = 300;
  const pad = { left: 56, right: 150, top: 30, bottom: 40 };
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const [xMin, xMax] = [Math.log2(Math.min(...xs)), Math.log2(Math.max(...xs))];
  const yMax = Math.max(...ys) * 1.1 || 1;
  const px = (x: number) => pad.left + ((Math.log2(x) - xMin) / (xMax - xMin || 1)) * (width - pad.left - pad.right);
  const py = (y: number) => height - pad.bottom - (y / yMax) * (height - pad.top - pad.bottom);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'];
  const lines = series.map((s, i) => {
    const path = s.points.map(([x, y], j) => `${j ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    const dots = s.points.map(
      ([x, y]) =>
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${colours[i % 5]}"><title>${x}: ${y.toFixed(2)} ${unit}</title></circle>`,
    );
    const legendY = pad.top + 16 * i;
    return `<path d="${path}" fill="none" stroke="${colours[i % 5]}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>${dots.join('')}<text x="${width - pad.right + 10}" y="${legendY + 4}" font-size="11" fill="${colours[i % 5]}">${s.name}</text>`;
  });
  const ticks = [...new Set(xs)].map(
    (x) => `<text x="${px(x).toFixed(1)}" y="${height - pad.bottom + 16}" font-size="11" text-anchor="middle">${x}</text>`,
  );
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map(
    (f) =>
      `<text x="${pad.left - 6}" y="${py(f * yMax).toFixed(1)}" font-size="11" text-anchor="end" dominant-baseline="middle">${(f * yMax).toFixed(yMax < 10 ? 2 : 0)}</text>`,
  );
  return `<figure><figcaption>${title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${title}">
<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/><line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>
${ticks.join('')}${yTicks.join('')}<text x="${(width - pad.right + pad.left) / 2}" y="${height - 6}" font-size="11" text-anchor="middle">in flight</text>
${lines.join('\n')}</svg></figure>`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A self-contained HTML page: throughput and latency over concurrency, intake latency, then the tables. */
export function html(report: BenchReport, tables: string): string {
  const steady = [...report.orderToCash, report.burst];
  const xs = steady.map((row) => row.concurrency);
  const intake = (workers: IntakeLatencyRow['workers']) =>
    report.intake.filter((row) => row.workers === workers).map((row) => [row.concurrency, row.ms.p99] as [number, number]);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>officeflow benchmark ${report.machine.date.slice(0, 10)}</title>
<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}figure{display:inline-block;margin:0 1em 1em 0}figcaption{font-weight:bold}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}</style></head><body>
<h1>officeflow benchmark</h1>
${chart('Order-to-cash throughput', 'runs/s', [
  { name: 'order-to-cash', points: steady.map((row) => [row.concurrency, row.runsPerSecond]) },
  { name: '½ bare Temporal', points: [Math.min(...xs), Math.max(...xs)].map((x) => [x, report.baseline.runsPerSecond / 2]), dashed: true },
])}
${chart('Order-to-cash run time', 's', [
  { name: 'p50', points: steady.map((row) => [row.concurrency, row.runSeconds.p50]) },
  { name: 'p95', points: steady.map((row) => [row.concurrency, row.runSeconds.p95]) },
])}
${chart('Intake latency p99', 'ms', [
  { name: 'workers idle', points: intake('idle') },
  { name: 'workers busy', points: intake('busy') },
  { name: 'bare Temporal start', points: intake('bare Temporal start') },
  { name: 'target: 1.3 × bare start', points: intake('bare Temporal start').map(([x, y]) => [x, 1.3 * y]), dashed: true },
])}
<pre>${escapeHtml(tables)}</pre>
</body></html>`;
}
