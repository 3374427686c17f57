import { processLogSinks } from '../../workers/process-log';
import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { connectSystems } from '../../activities';
import { dataConverter } from '../../codec/data-converter';
import { browserPool } from '../../infra/browser';
import { decisionLinks } from '../../codec/decision-links';
import { connectWorkerConnection, temporalEndpoint } from '../../infra/temporal';
import type { Progress } from '../../contracts/progress';
import { undoThreeSteps } from '../workflows/undo-three-steps';
import { type TestEngine, eventually, mailTo, startTestEngine, uniqueId } from '../support/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ workers: false });
});
afterAll(() => engine.stop());

it('runs every undo step newest first even when one fails for good, records the failure and hands it to a person', async () => {
  const undone: string[] = [];
  const connection = await connectWorkerConnection(temporalEndpoint(engine.settings));
  const browser = browserPool(engine.settings);
  const links = decisionLinks(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!, engine.intakeUrl);
  const systems = connectSystems(engine.settings, {
    pool: engine.pool,
    browser,
    decisionLinks: links,
    publicUrl: engine.intakeUrl,
    engine: engine.queueSuffix,
    log: pino({ level: 'silent' }),
  });
  const taskQueue = `undo${engine.queueSuffix}`;
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('../workflows/undo-three-steps'),
    activities: {
      ...systems.activities,
      undoStep: async (step: string) => void undone.push(step),
      failToUndo: async (step: string) => {
        throw ApplicationFailure.nonRetryable(`the portal refused: ${step}`, 'PortalRefused');
      },
    },
    dataConverter: dataConverter(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!),
    sinks: processLogSinks(engine.pool, [], pino({ level: 'silent' })),
  });
  const owner = `${uniqueId('ops').toLowerCase()}@warehouse.test`;
  const workflowId = uniqueId('undo');
  await worker.runUntil(async () => {
    const handle = await engine.client.workflow.start(undoThreeSteps, { taskQueue, workflowId, args: [owner] });
    const task = await eventually(async () => {
      const { rows } = await engine.pool.query('SELECT task_id, title, details FROM human_tasks WHERE workflow_id = $1', [workflowId]);
      return rows[0] as { task_id: string; title: string; details: string } | undefined;
    }, 'the undo-by-hand task');

    expect(undone).toEqual(['cancel the sales order', 'release the stock']);
    expect(task.title).toBe('Finish undoing the test order by hand');
    expect(task.details).toContain('cancel the order in the portal: the portal refused');
    expect((await handle.describe()).memo).toEqual({
      undoFailed: ['cancel the order in the portal: the portal refused: cancel the order in the portal'],
    });
    await eventually(async () => {
      const progress = await handle.query<Progress>('progress');
      return progress.step === 'undo-by-hand' && progress.waitingOn === 'Operations' ? progress : undefined;
    }, 'the run to wait on Operations');
    await eventually(
      async () => (await mailTo(owner)).find((m) => m.subject?.startsWith('To decide: Finish undoing')),
      'the e-mail to the owner',
    );

    const decided = await fetch(`${engine.intakeUrl}/tasks/${encodeURIComponent(task.task_id)}/decision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await engine.signedInAs(owner)) },
      body: JSON.stringify({ decision: 'approve', comment: 'cancelled by phone' }),
    });
    expect(decided.status).toBe(200);
    expect(await handle.result()).toEqual(['cancel the order in the portal: the portal refused: cancel the order in the portal']);
  });
  await systems.close();
  await browser.close();
  await connection.close();
});
