import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { designedOutcome } from '../../bench/burst';
import type { ChaosReport } from '../../bench/chaos';
import { processes } from '../../definitions';
import { stateDir } from '../support/engine';

const root = path.resolve(__dirname, '../..');

it(
  'takes runs of every process to their designed end with nothing doubled while workers are killed, Temporal and PostgreSQL restart, mail and the CRM fail for a while (npm run chaos, small)',
  async () => {
    // The chaos command on an engine of its own (its faults must not reach other test files): one run of each process
    // in the registry (a process without a driver of its own is played by its definition's demo),
    // the fault schedule shrunk to a tenth. The hire's first day comes a minute after the engine starts, so the runs
    // outlast the schedule (each fault is injected once the one before is done). A run still going after three minutes
    // is given up on and reported as lost: the test's own timeout leaves room for the engine's start and stop around it.
    const json = path.join(stateDir(), 'chaos.json');
    const args = [
      '--runs',
      String(processes.length),
      '--workers',
      '2',
      '--scale',
      '0.1',
      '--timeout',
      '3',
      '--first-day-in',
      '60',
      '--json',
      json,
    ];
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'bench/chaos-command.ts', ...args], { cwd: root }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        // Its report says what went wrong; the assertions below show it.
        if (!error.stdout?.includes('activity timeouts')) throw error;
      },
    );
    const report = JSON.parse(readFileSync(json, 'utf8')) as ChaosReport;

    expect(report.faults.map(({ fault, error }) => ({ fault, error }))).toEqual([
      { fault: expect.stringMatching(/^worker 1 killed/), error: undefined },
      { fault: expect.stringMatching(/^Temporal server restarted/), error: undefined },
      { fault: expect.stringMatching(/^worker 2 killed/), error: undefined },
      { fault: expect.stringMatching(/^PostgreSQL restarted/), error: undefined },
      { fault: expect.stringMatching(/^SMTP server refusing connections/), error: undefined },
      { fault: expect.stringMatching(/^CRM answering 503/), error: undefined },
      { fault: expect.stringMatching(/^all 2 workers killed/), error: undefined },
    ]);
    expect(report).toMatchObject({
      runs: Object.fromEntries(processes.map((process) => [process.name, 1])),
      outcomes: processes.reduce<Record<string, number>>((counts, { name }) => {
        counts[designedOutcome(name)] = (counts[designedOutcome(name)] ?? 0) + 1;
        return counts;
      }, {}),
      lost: 0,
      doubled: {
        salesOrders: 0,
        invoices: 0,
        ledgerEntries: 0,
        unbalancedLedgerEntries: 0,
        legacyErpOrders: 0,
        itAccounts: 0,
        payrollEnrolments: 0,
        customers: 0,
        signatureEnvelopes: 0,
        crmStageChanges: 0,
        emails: 0,
      },
      ok: true,
    });
    // While a backend was away the intake asked senders to come back (503), and never failed with a 500.
    expect(Object.keys(report.intakeRefusals)).not.toContain('500');
  },
  7 * 60_000,
);
