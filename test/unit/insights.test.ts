import { forecastOf } from '../../insights/forecast';
import { processInsights } from '../../insights/report';
import type { LoggedEvent, LoggedRun } from '../../insights/runs';

/** A run from its events, each `[second, kind, step?, waitingOn?, detail or deadline second?]`, from 10:00:00. */
const T0 = Date.parse('2026-12-01T10:00:00Z');
const at = (second: number) => new Date(T0 + second * 1000);
function run(id: string, events: Array<[number, string, string?, string?, (string | number)?]>): LoggedRun {
  const logged: LoggedEvent[] = events.map(([second, kind, step, waitingOn, extra], i) => ({
    seq: i + 1,
    kind,
    at: at(second),
    ...(step ? { step } : {}),
    ...(waitingOn ? { waitingOn } : {}),
    ...(typeof extra === 'number' ? { deadline: at(extra) } : extra ? { detail: extra } : {}),
  }));
  const ended = logged.find((event) => event.kind === 'ended');
  return { runId: id, workflowId: `contract-${id}`, startedAt: at(0), endedAt: ended?.at, outcome: ended?.detail, events: logged };
}

// Two contracts: one approved by Legal in time, one sent back for changes once (Legal late), then approved; one running.
const straight = run('a', [
  [0, 'started'],
  [0, 'step', 'routing'],
  [10, 'step', 'legal-review', 'Legal'],
  [12, 'task-opened', 'legal', 'Legal', 100],
  [60, 'task-decided', 'legal', undefined, 'approve'],
  [61, 'step', 'awaiting-signature', 'Customer'],
  [361, 'step', 'in-force'],
  [361, 'ended', undefined, undefined, 'signed'],
]);
const looped = run('b', [
  [0, 'started'],
  [0, 'step', 'routing'],
  [5, 'step', 'legal-review', 'Legal'],
  [5, 'task-opened', 'legal', 'Legal', 20],
  [50, 'task-decided', 'legal', undefined, 'request-changes'],
  [50, 'step', 'awaiting-revision', 'Sales'],
  [250, 'step', 'legal-review', 'Legal'],
  [250, 'task-opened', 'legal-2', 'Legal', 400],
  [300, 'task-decided', 'legal-2', undefined, 'approve'],
  [300, 'step', 'awaiting-signature', 'Customer'],
  [400, 'step', 'in-force'],
  [400, 'ended', undefined, undefined, 'signed'],
]);
const running = run('c', [
  [0, 'started'],
  [0, 'step', 'routing'],
  [3, 'step', 'legal-review', 'Legal'],
  [3, 'task-opened', 'legal', 'Legal', 30],
]);

const report = processInsights('contract-approval', at(0), [straight, looped, running], at(1000));

it('measures cycle times over finished runs, and splits them into work, people and the outside world', () => {
  expect(report.runs).toEqual({ started: 3, finished: 2, running: 1, outcomes: { signed: 2 } });
  expect(report.cycleTime).toEqual({ p50: 361, p90: 400 });
  // a: 12 s of work (10 routing, 2 opening Legal's task), 49 s with Legal, 300 s with the customer.
  // b: 5 s of work, 45 + 50 s with Legal, 200 s with Sales (no task: the outside world), 100 s with the customer.
  expect(report.timeSpent).toEqual({ working: 17, people: 144, outside: 600 });
  expect(report.waitingOn).toEqual([
    { on: 'Customer', kind: 'outside', runs: 2, total: 400, perRun: { p50: 100, p90: 300 } },
    { on: 'Sales', kind: 'outside', runs: 1, total: 200, perRun: { p50: 200, p90: 200 } },
    { on: 'Legal', kind: 'people', runs: 2, total: 144, perRun: { p50: 49, p90: 95 } },
  ]);
});

it('ranks steps by the time piled up in them, and names the paths runs took', () => {
  expect(report.steps.map((step) => [step.step, step.kind, step.total])).toEqual([
    ['awaiting-signature', 'outside', 400],
    ['awaiting-revision', 'outside', 200],
    ['legal-review', 'people', 146],
    // The running run's steps count as far as it left them.
    ['routing', 'working', 18],
    ['in-force', 'working', 0],
  ]);
  expect(report.variants).toEqual([
    { path: ['routing', 'legal-review', 'awaiting-signature', 'in-force'], runs: 1, cycleTime: { p50: 361, p90: 361 } },
    {
      path: ['routing', 'legal-review', 'awaiting-revision', 'legal-review', 'awaiting-signature', 'in-force'],
      runs: 1,
      cycleTime: { p50: 400, p90: 400 },
    },
  ]);
  expect(report.rework).toEqual([{ step: 'legal-review', runs: 1, reentries: 1 }]);
});

it('counts tasks decided by their deadline, late, and still open past it', () => {
  expect(report.sla).toEqual([{ team: 'Legal', onTime: 2, late: 1, openOverdue: 1, share: 0.5 }]);
});

describe('predictions for running cases', () => {
  // Six orders that waited 100 to 600 s for payment after 10 s of work; one rejected at once.
  const paidAfter = (id: string, wait: number) =>
    run(id, [
      [0, 'started'],
      [0, 'step', 'invoicing'],
      [10, 'step', 'awaiting-payment', 'Customer'],
      [10 + wait, 'step', 'paid'],
      [10 + wait, 'ended', undefined, undefined, 'paid'],
    ]);
  const finished = [100, 200, 300, 400, 500, 600].map((wait, i) => paidAfter(`p${i}`, wait));
  const rejected = run('r', [
    [0, 'started'],
    [0, 'step', 'credit-check'],
    [1, 'step', 'rejected'],
    [1, 'ended', undefined, undefined, 'rejected'],
  ]);
  // Waiting for payment for 250 s now: the cases like it still going by then took 50 to 350 s more.
  const waiting = run('w', [
    [0, 'started'],
    [0, 'step', 'invoicing'],
    [10, 'step', 'awaiting-payment', 'Customer'],
  ]);
  const report = processInsights('order-to-cash', at(0), [...finished, rejected, waiting], at(260));

  it('expects what the cases that went the same way and were still going took from there, with its range', () => {
    expect(report.running).toEqual([
      {
        workflowId: 'contract-w',
        step: 'awaiting-payment',
        startedAt: at(0).toISOString(),
        // Only 4 cases were still waiting after 250 s: too few by path or by step, so by the process's cycle times.
        prediction: { remaining: { p10: 50, p50: 150, p90: 350 }, basis: 'same process', cases: 4 },
        expectedEnd: at(410).toISOString(),
      },
    ]);
  });

  it('measures how right such predictions were on the finished cases', () => {
    expect(report.predictions).toMatchObject({ predictions: expect.any(Number), meanError: expect.any(Number) });
    expect(report.predictions!.inRange).toBeGreaterThan(0.5);
  });

  it('forecasts what runs still take from entering each step, where at least five went that way', () => {
    // From awaiting payment, the six paid orders took 100 to 600 s more; from invoicing, 10 s more than that.
    expect(forecastOf([...finished, rejected])).toEqual({
      byPath: {
        invoicing: [110, 310, 610],
        'invoicing → awaiting-payment': [100, 300, 600],
        'invoicing → awaiting-payment → paid': [0, 0, 0],
      },
      byStep: { invoicing: [110, 310, 610], 'awaiting-payment': [100, 300, 600], paid: [0, 0, 0] },
    });
    // One rejected order is too few to forecast from.
    expect(forecastOf([rejected])).toBeUndefined();
  });
});
