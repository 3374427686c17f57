import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ReceivedMail } from '../../activities/mail/sink';
import { exampleEvent } from '../../web/events/catalog';
import { sendEvent } from '../../web/events/send';
import { processes } from '../../definitions';
import { eventually, stateDir as testRunState } from '../support/engine';
import { freshStateDir, localEngineEnv } from '../support/local-env';

const root = path.resolve(__dirname, '../..');
const stateDir = freshStateDir('officeflow-stop-');
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** The processes still running that were started for this engine (the servers name the state folder). */
const leftOver = () =>
  execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(stateDir) && !line.includes(' ps '));

/** `npm start`'s engine, as a terminal runs it: the foreground process group, everything local, on free ports. */
function startEngine(settings: Record<string, string> = {}): { engine: ChildProcess; output: () => string } {
  const engine = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'up'], {
    cwd: root,
    env: { ...localEngineEnv(stateDir), ...settings },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  engine.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  engine.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { engine, output: () => text };
}

it('stops in order on a terminal’s Ctrl-C after a run that used Chromium: one line per part, exit 0, nothing left running', async () => {
  const { engine, output } = startEngine();
  const banner = await eventually(
    async () => (output().includes('officeflow is running') ? output() : undefined),
    'the engine to start',
    90_000,
  );
  const intakeUrl = /POST (http:\/\/\S+)\/events/.exec(banner)![1];
  const mailbox = /Sent mail\s+(http:\/\/\S+)/.exec(banner)![1];
  const secret = /Webhook secret\s+(\S+)/.exec(banner)![1];

  // The sample deal, delivered and paid: the robot keys it into the portal and Chromium prints the invoice.
  for (const type of ['crm.deal.closed_won', 'logistics.shipment.delivered', 'payments.payment.received']) {
    const trigger = processes.flatMap((process) => process.triggers).find((t) => t.type === type)!;
    await eventually(
      async () => ((await sendEvent(intakeUrl, secret, exampleEvent(trigger))).status < 300 ? true : undefined),
      type,
      30_000,
    );
  }
  await eventually(
    async () => ((await (await fetch(mailbox)).json()) as ReceivedMail[]).find((mail) => mail.subject?.includes('has paid invoice')),
    'the deal to be paid',
    60_000,
  );

  const exited = new Promise<number | null>((resolve) => engine.once('exit', (code) => resolve(code)));
  process.kill(-engine.pid!, 'SIGINT');
  expect(await exited).toBe(0);

  const stopped = output().slice(output().indexOf('stopping officeflow'));
  for (const part of ['event intake', 'workers', 'Temporal dev server', 'PostgreSQL', 'crm stand-in'])
    expect(stopped).toContain(`stopped ${part}`);
  expect(output()).not.toMatch(/Unhandled|unhandled 'error' event|ERR_/);
  expect(leftOver()).toEqual([]);
}, 180_000);

it('stops every server on Ctrl-C when its output went into a pipe whose reader died first (`npm start | tee`)', async () => {
  // The run's workflow bundle: this case is about stopping, not bundling.
  const quickStart = { WORKFLOW_BUNDLE: path.join(testRunState(), 'workflow-bundle.js') };
  const { engine, output } = startEngine(quickStart);
  await eventually(async () => (output().includes('officeflow is running') ? true : undefined), 'the engine to start', 90_000);
  const servers = leftOver().map((line) => Number(line.trim().split(/\s+/)[0]));
  expect(servers.length).toBeGreaterThanOrEqual(2);
  try {
    // Ctrl-C reaches `tee` too, which is gone at once: every later line officeflow prints meets a closed pipe.
    engine.stdout!.destroy();
    const exited = new Promise<number | null>((resolve) => engine.once('exit', (code) => resolve(code)));
    process.kill(-engine.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(leftOver()).toEqual([]);
  } finally {
    // Servers a failed stop left behind would hold their data folders for every later run.
    for (const pid of servers.filter(alive)) process.kill(pid, 'SIGKILL');
  }

  // The next start in the same state folder works: PostgreSQL refuses a data folder a running server still holds.
  const again = startEngine(quickStart);
  await eventually(async () => (again.output().includes('officeflow is running') ? true : undefined), 'the engine to start again', 90_000);
  const stopped = new Promise<number | null>((resolve) => again.engine.once('exit', (code) => resolve(code)));
  process.kill(-again.engine.pid!, 'SIGINT');
  expect(await stopped).toBe(0);
  expect(leftOver()).toEqual([]);
}, 240_000);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
