import pino from 'pino';
import { withTaskQueueSuffix } from '../../definitions';
import { connectWorkerConnection, temporalEndpoint } from '../../infra/temporal';
import type { DeploymentStatus } from '../../web/deployment';
import { bundleWorkflows, startWorkers } from '../../workers/worker';
import { finish } from '../workflows/deploy/finish';
import { buildDir, deployTestProcesses } from '../workflows/deploy/processes';
import { officeflowCli } from '../support/cli';
import { TEST_AUDITOR, TEST_OPERATOR, type TestEngine, eventually, startTestEngine, testConfig, uniqueId } from '../support/engine';

/**
 * Changing a process while runs are in flight, with Worker Versioning on the real Temporal server: runs started on
 * build v1 keep running there while build v2, with the process changed, takes the new runs; a process that moves to
 * the new build (auto-upgrade) finishes on v2; a rollback sends new runs to v1 again; and v1, once no run needs it and
 * its workers are stopped, is retired. Each move is an operator's `officeflow deploy`, in the operator log.
 */
const deployment = uniqueId('deploy');
const suffix = `@${uniqueId('deploy')}`;
const registry = withTaskQueueSuffix(deployTestProcesses, suffix);
let engine: TestEngine;
let bundles: Record<'v1' | 'v2', { code: string }>;
const running: Array<{ stop(): Promise<void> }> = [];

beforeAll(async () => {
  engine = await startTestEngine({ workers: false, env: { WORKER_DEPLOYMENT_NAME: deployment } });
  const [v1, v2] = await Promise.all([
    bundleWorkflows(deployTestProcesses, buildDir('v1')),
    bundleWorkflows(deployTestProcesses, buildDir('v2')),
  ]);
  bundles = { v1, v2 };
});
afterAll(async () => {
  for (const workers of running) await workers.stop();
  await engine.stop();
});

/** The workers of one build, as `officeflow up --only worker` starts them with WORKER_BUILD_ID set. */
async function workersOf(build: 'v1' | 'v2') {
  const config = testConfig({ ...engine.env, WORKER_BUILD_ID: build, WORKER_DEPLOYMENT_NAME: deployment, TASK_QUEUE_SUFFIX: suffix });
  const connection = await connectWorkerConnection(temporalEndpoint(config));
  const workers = await startWorkers({ connection, config, registry, log: pino({ level: 'silent' }), workflowBundle: bundles[build] });
  let stopped = false;
  const handle = {
    async stop() {
      if (stopped) return;
      stopped = true;
      await workers.shutdown();
      await connection.close();
    },
  };
  running.push(handle);
  return handle;
}

/** Starts a run of a test process; resolves once its first step ran, on the build it is on. */
async function startRun(process: 'contract-check' | 'digest-check') {
  const definition = registry.find((p) => p.name === process)!;
  const handle = await engine.client.workflow.start(definition.workflow.name, {
    taskQueue: definition.taskQueue,
    workflowId: uniqueId(process),
    args: [{ settings: {} }],
  });
  const build = await eventually(async () => {
    const { raw } = await handle.describe();
    return raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId || undefined;
  }, `${process}'s first step`);
  return { handle, build };
}

const finished = async (run: Awaited<ReturnType<typeof startRun>>) => {
  await run.handle.signal(finish);
  return run.handle.result();
};

it('keeps runs on the build they started on, sends new runs to the current build, rolls back, and retires a drained build', async () => {
  const cli = officeflowCli(engine);
  const deploy = (...args: string[]) => cli.json<DeploymentStatus>('deploy', ...args, '--as', TEST_OPERATOR);
  const buildOf = (status: DeploymentStatus, build: string) => status.builds.find((b) => b.buildId === build);

  // The first build of a deployment becomes its current build when its workers start.
  const v1 = await workersOf('v1');
  const long = [await startRun('contract-check'), await startRun('contract-check')];
  const short = await startRun('digest-check');
  expect([...long, short].map((run) => run.build)).toEqual(['v1', 'v1', 'v1']);

  // Build v2 starts beside it, serving nothing until an operator says.
  await workersOf('v2');
  const before = await deploy('status');
  expect(before).toMatchObject({ deployment, current: 'v1' });
  expect(buildOf(before, 'v1')).toMatchObject({ status: 'current', runs: 3 });
  const beforeV2 = await startRun('contract-check');
  expect(beforeV2.build).toBe('v1');

  const ramped = await deploy('ramp', 'v2', '--percent', '10', '--reason', 'first a few');
  expect(ramped.ramping).toEqual({ buildId: 'v2', percent: 10 });
  const moved = await deploy('current', 'v2', '--reason', 'release 2 is good');
  expect(moved).toMatchObject({ current: 'v2' });
  expect(moved.ramping).toBeUndefined();
  const onV2 = await startRun('contract-check');
  expect(onV2.build).toBe('v2');

  // The runs that started on v1 finish there, with v1's process; the short one moved to v2 at its next step.
  expect(await Promise.all([...long, beforeV2].map(finished))).toEqual(['v1', 'v1', 'v1']);
  expect(await finished(short)).toBe('v2');
  expect(await finished(onV2)).toBe('v2');

  // A rollback: new runs go to v1 again, until v2 is current once more.
  await deploy('current', 'v1', '--reason', 'roll back: v2 misbehaves');
  const rolledBack = await startRun('contract-check');
  expect(rolledBack.build).toBe('v1');
  expect(await finished(rolledBack)).toBe('v1');
  await deploy('current', 'v2', '--reason', 'v2 fixed');

  const drained = await eventually(
    async () => {
      const status = await deploy('status');
      return buildOf(status, 'v1')?.status === 'drained' ? status : undefined;
    },
    'v1 drained',
    60_000,
  );
  expect(buildOf(drained, 'v1')?.runs).toBe(0);

  // Retired once its workers are stopped (Temporal forgets their pollers a moment later).
  const refused = await cli.run('deploy', 'retire', 'v2', '--reason', 'wrong one', '--as', TEST_OPERATOR);
  expect(refused.code).toBe(1);
  await v1.stop();
  const retired = await eventually(
    async () => {
      const tried = await cli.run('deploy', 'retire', 'v1', '--reason', 'release 1 is over', '--as', TEST_OPERATOR, '--json');
      return tried.code === 0 ? (JSON.parse(tried.stdout) as DeploymentStatus) : undefined;
    },
    'v1 retired',
    60_000,
  );
  expect(retired.builds.map((b) => b.buildId)).toEqual(['v2']);

  const log = await cli.json<Array<{ action: string; target: string; reason: string }>>('operator-actions', '--as', TEST_AUDITOR);
  const moves = log.filter((entry) => entry.target.startsWith(`${deployment}:`)).map((entry) => `${entry.action} ${entry.target}`);
  expect(moves.reverse()).toEqual([
    `deploy-ramp ${deployment}:v2`,
    `deploy-current ${deployment}:v2`,
    `deploy-current ${deployment}:v1`,
    `deploy-current ${deployment}:v2`,
    `deploy-retire ${deployment}:v1`,
  ]);
});
