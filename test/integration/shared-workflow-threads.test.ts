import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { ThreadedVMWorkflowCreator } from '@temporalio/worker/lib/workflow/threaded-vm';
import { dataConverter } from '../../codec/data-converter';
import { connectWorkerConnection, temporalEndpoint } from '../../infra/temporal';
import { sharingWorkflowThreads } from '../../workers/shared-workflow-threads';
import { sayWord, waitForWord } from '../workflows/wait-for-word';
import { type TestEngine, eventually, startTestEngine, uniqueId } from '../support/engine';

let engine: TestEngine;
beforeAll(async () => {
  engine = await startTestEngine({ workers: false });
});
afterAll(() => engine.stop());

it('runs the workflows of several task queues on one pool of threads, which outlives every worker but the last', async () => {
  const pools = jest.spyOn(ThreadedVMWorkflowCreator, 'create');
  const destroyed = jest.spyOn(ThreadedVMWorkflowCreator.prototype, 'destroy');
  const connection = await connectWorkerConnection(temporalEndpoint(engine.settings));
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows/wait-for-word'),
    logger: new DefaultLogger('WARN'),
  });
  const WorkflowWorker = sharingWorkflowThreads();
  const queues = ['first', 'second', 'third'].map((name) => `${name}-${uniqueId('threads')}${engine.queueSuffix}`);
  const workers = await Promise.all(
    queues.map((taskQueue) =>
      WorkflowWorker.create({
        connection,
        taskQueue,
        workflowBundle: { code },
        workflowThreadPoolSize: 1,
        dataConverter: dataConverter(engine.settings.OFFICEFLOW_ENCRYPTION_KEY!),
      }),
    ),
  );
  expect(pools).toHaveBeenCalledTimes(1);
  const running = workers.map((worker) => worker.run());
  const runs = await Promise.all(
    queues.map((taskQueue) => engine.client.workflow.start(waitForWord, { taskQueue, workflowId: uniqueId('word') })),
  );
  // Each run has had its first workflow task: it is cached on the pool's thread.
  for (const run of runs)
    await eventually(
      async () => (await run.fetchHistory()).events?.find((event) => event.workflowTaskCompletedEventAttributes),
      'a first workflow task',
    );

  workers[0].shutdown();
  await running[0];
  expect(destroyed).not.toHaveBeenCalled();
  for (const [i, run] of runs.slice(1).entries()) await run.signal(sayWord, `word ${i}`);
  expect(await Promise.all(runs.slice(1).map((run) => run.result()))).toEqual(['word 0', 'word 1']);

  for (const worker of workers.slice(1)) worker.shutdown();
  await Promise.all(running);
  expect(destroyed).toHaveBeenCalledTimes(1);
  await runs[0].terminate('the test is over');
  await connection.close();
});
