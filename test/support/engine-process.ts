import path from 'node:path';
import { localPort } from '../../infra/ports';
import { type TestEngine, startTestEngine, stateDir } from './engine';
import { startWorkerProcess, stopWorkerProcess } from './worker-process';

/**
 * The engine as `npm start` runs it (workers and intake), in a process of its own on this test run's infrastructure:
 * its metrics endpoint and its log show one test file's runs alone. The returned engine's client, pool and secrets
 * are the test's; its intake is the process's. `env` adds settings (METRICS_PORT).
 */
export async function startEngineProcess(
  options: { env?: Record<string, string>; logLevel?: 'info' | 'debug'; logFile?: string } = {},
): Promise<TestEngine> {
  const base = await startTestEngine({ workers: false });
  const intakePort = await localPort(0, 'INTAKE_PORT');
  const engineProcess = await startWorkerProcess(
    // The run's workflow bundle, as the test engines use: bundling again would take the process seconds of CPU.
    {
      ...process.env,
      ...base.env,
      INTAKE_PORT: String(intakePort),
      CODEC_PORT: '0',
      WORKFLOW_BUNDLE: path.join(stateDir(), 'workflow-bundle.js'),
      ...options.env,
    },
    { only: 'all', logLevel: options.logLevel, logFile: options.logFile },
  );
  return {
    ...base,
    intakeUrl: `http://127.0.0.1:${intakePort}`,
    stop: async () => {
      await stopWorkerProcess(engineProcess);
      await base.stop();
    },
  };
}
